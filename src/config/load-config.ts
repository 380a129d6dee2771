import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { projectFile } from '../core/project-files.ts';

const DEFAULT_FILE = projectFile('config', 'default.yaml');

const urlWithScheme = (schemes: string[]) =>
  z.string().refine((value) => {
    try {
      return schemes.includes(new URL(value).protocol.replace(':', ''));
    } catch {
      return false;
    }
  }, `a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`);

const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[^\s@]+@[^\s@]+$/, 'an e-mail address such as you@example.com');

const configSchema = z.object({
  dataDir: z.string().min(1, 'a folder path'),
  redisUrl: urlWithScheme(['redis', 'rediss']),
  databaseUrl: z.union([z.literal(''), urlWithScheme(['postgres', 'postgresql'])]),
  queuePrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" or "_"'),
  user: z.object({
    name: z.string(),
    addresses: z.array(emailAddress),
    role: z.string(),
    field: z.string(),
    signature: z.string(),
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin or UTC'),
  }),
  drafts: z.object({
    templatesDir: z.string(),
    thankYouDueHours: z.number().positive(),
    thankYouReminderHours: z.number().positive(),
    followUpBusinessDays: z.number().int().min(1),
    maxFollowUps: z.number().int().min(0).max(10),
    checkInDays: z.number().int().min(1),
    outreachPerDay: z.number().int().min(1),
  }),
  web: z.object({
    password: z.string(),
  }),
  ingest: z.object({
    batchSize: z.number().int().min(1).max(10_000),
    concurrency: z.number().int().min(1).max(64),
    prepareThread: z.boolean(),
    threadSubjectWindowDays: z.number().int().min(0).max(3650),
    maxParticipantsPerMessage: z.number().int().min(1),
  }),
  contacts: z.object({
    extraFreeMailDomains: z.array(z.string().toLowerCase()),
    extraRoleLocalParts: z.array(z.string().toLowerCase()),
  }),
  google: z.object({
    clientId: z.string(),
    clientSecret: z.string(),
    apiUrl: z.union([z.literal(''), urlWithScheme(['http', 'https'])]),
    quotaUnitsPerSecond: z.number().positive(),
    quotaShare: z.number().gt(0).max(1),
    concurrency: z.number().int().min(1).max(100),
    pubsubTopic: z.union([z.literal(''), z.string().regex(/^projects\/[^/]+\/topics\/[^/]+$/, 'projects/<project>/topics/<topic>')]),
    pushToken: z.string(),
  }),
  microsoft: z.object({
    clientId: z.string(),
    clientSecret: z.string(),
    authority: urlWithScheme(['http', 'https']),
    graphUrl: z.union([z.literal(''), urlWithScheme(['http', 'https'])]),
    maxConcurrent: z.number().int().min(1).max(4),
    requestsPer10Minutes: z.number().positive(),
    rateShare: z.number().gt(0).max(1),
    folders: z.array(z.string().min(1)),
    subscriptionMinutes: z.number().int().min(45).max(10_080),
    renewBeforeMinutes: z.number().int().min(5),
  }),
  sync: z.object({
    mailWindowMonths: z.number().int().min(1).max(600),
    skipCategories: z.array(z.enum(['primary', 'promotions', 'social', 'updates', 'forums'])),
    pollMinutes: z.number().min(0.05),
    calendarPastDays: z.number().int().min(0),
    calendarFutureDays: z.number().int().min(0),
  }),
  http: z.object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65_535),
    publicUrl: z.union([z.literal(''), urlWithScheme(['http', 'https'])]),
    metricsToken: z.string(),
    metricsPort: z.number().int().min(0).max(65_535),
  }),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']),
});

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** rapport's validated, frozen configuration. */
export type Config = Readonly<z.infer<typeof configSchema>>;

/** Values given on the command line, which win over files and the environment. */
export interface ConfigOverrides {
  dataDir?: string;
}

/**
 * Reads `config/default.yaml`, the file named by RAPPORT_CONFIG, then the environment,
 * then command-line overrides; validates once and lists every bad key.
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): Config {
  let raw = readYaml(DEFAULT_FILE);
  if (env.RAPPORT_CONFIG) raw = deepMerge(raw, readYaml(env.RAPPORT_CONFIG));
  raw = deepMerge(raw, fromEnvironment(env));
  if (overrides.dataDir) raw = deepMerge(raw, { dataDir: overrides.dataDir });

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        key: issue.path.join('.') || '(root)',
        expected: issue.message,
      })),
    );
  }
  const config = { ...parsed.data, dataDir: expandHome(parsed.data.dataDir, env) };
  return deepFreeze(config);
}

function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.RAPPORT_DATA_DIR) out.dataDir = env.RAPPORT_DATA_DIR;
  if (env.REDIS_URL) out.redisUrl = env.REDIS_URL;
  if (env.DATABASE_URL !== undefined) out.databaseUrl = env.DATABASE_URL;
  if (env.RAPPORT_QUEUE_PREFIX) out.queuePrefix = env.RAPPORT_QUEUE_PREFIX;
  if (env.RAPPORT_LOG_LEVEL) out.logLevel = env.RAPPORT_LOG_LEVEL;
  const google: Record<string, unknown> = {};
  if (env.RAPPORT_GOOGLE_CLIENT_ID) google.clientId = env.RAPPORT_GOOGLE_CLIENT_ID;
  if (env.RAPPORT_GOOGLE_CLIENT_SECRET) google.clientSecret = env.RAPPORT_GOOGLE_CLIENT_SECRET;
  if (env.RAPPORT_GOOGLE_API_URL !== undefined) google.apiUrl = env.RAPPORT_GOOGLE_API_URL;
  if (env.RAPPORT_PUSH_TOKEN) google.pushToken = env.RAPPORT_PUSH_TOKEN;
  if (Object.keys(google).length > 0) out.google = google;
  const microsoft: Record<string, unknown> = {};
  if (env.RAPPORT_MICROSOFT_CLIENT_ID) microsoft.clientId = env.RAPPORT_MICROSOFT_CLIENT_ID;
  if (env.RAPPORT_MICROSOFT_CLIENT_SECRET) microsoft.clientSecret = env.RAPPORT_MICROSOFT_CLIENT_SECRET;
  if (env.RAPPORT_MICROSOFT_AUTHORITY) microsoft.authority = env.RAPPORT_MICROSOFT_AUTHORITY;
  if (env.RAPPORT_GRAPH_URL !== undefined) microsoft.graphUrl = env.RAPPORT_GRAPH_URL;
  if (Object.keys(microsoft).length > 0) out.microsoft = microsoft;
  const http: Record<string, unknown> = {};
  if (env.RAPPORT_HTTP_HOST) http.host = env.RAPPORT_HTTP_HOST;
  if (env.RAPPORT_HTTP_PORT) http.port = Number(env.RAPPORT_HTTP_PORT);
  if (env.RAPPORT_PUBLIC_URL !== undefined) http.publicUrl = env.RAPPORT_PUBLIC_URL;
  if (env.RAPPORT_METRICS_TOKEN) http.metricsToken = env.RAPPORT_METRICS_TOKEN;
  if (env.RAPPORT_METRICS_PORT) http.metricsPort = Number(env.RAPPORT_METRICS_PORT);
  if (Object.keys(http).length > 0) out.http = http;
  if (env.RAPPORT_WEB_PASSWORD) out.web = { password: env.RAPPORT_WEB_PASSWORD };
  if (env.RAPPORT_ME) {
    out.user = { addresses: env.RAPPORT_ME.split(',').map((a) => a.trim()).filter(Boolean) };
  }
  return out;
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ key: file, expected: `a readable YAML file (${(err as Error).message})` }]);
  }
  try {
    const value: unknown = YAML.parse(text);
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('not a mapping');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([{ key: file, expected: `valid YAML mapping (${(err as Error).message})` }]);
  }
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expandHome(dir: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? os.homedir();
  const expanded = dir === '~' ? home : dir.startsWith('~/') ? path.join(home, dir.slice(2)) : dir;
  return path.resolve(expanded);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
