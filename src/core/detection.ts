/** The networking labels a message can carry; none means "other". */
export const LABELS = [
  'outreach_request',
  'outreach_reply',
  'scheduling',
  'thank_you',
  'referral',
  'follow_up',
] as const;

export type Label = (typeof LABELS)[number];

/** Where a signal's pattern is matched. */
export type SignalScope = 'new' | 'forward' | 'structure';

export interface SignalRule {
  name: string;
  weight: number;
  pattern: RegExp;
  scope: SignalScope;
  /** When this matches the same text, the signal does not fire. */
  unless?: RegExp;
  /** A cheap test tried before `pattern`: false only when the pattern cannot match. */
  gate?: RuleGate | null;
}

/** See detect/literal-gate. */
export interface RuleGate {
  admits(text: string): boolean;
}

/** Detection settings, from `config/detect.yaml`, already compiled. */
export interface DetectConfig {
  thresholds: Record<Label, number>;
  maxConversationRecipients: number;
  signals: Record<Label, SignalRule[]>;
  negatives: Partial<Record<Label, SignalRule[]>>;
}

/** What a classifier looks at: the message, already parsed. */
export interface DetectInput {
  subject: string;
  /** The plain-text body, quoted history included (it is split here). */
  text: string;
  /** The message answers another (In-Reply-To, or a Re: subject). */
  isReply: boolean;
  /** To + Cc addresses. */
  recipientCount: number;
  isBulk: boolean;
  hasCalendar: boolean;
  /** Sender and every recipient share one organisation's domain: colleagues. */
  isInternal: boolean;
}

export interface Classification {
  labels: Label[];
  scores: Record<Label, number>;
  /** `label:signal` for every signal that fired, so a user can see why. */
  signals: string[];
}

/** Anything that labels messages: rules today, a model later. */
export interface MessageClassifier {
  classify(input: DetectInput): Classification;
}
