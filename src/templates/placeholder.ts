/**
 * Stands in a draft for a field the user still has to give. It renders as "[label]", and
 * helpers pass it through untouched, so the draft shows what is missing and where.
 */
export class Placeholder {
  constructor(readonly label: string) {}

  toString(): string {
    return `[${this.label}]`;
  }
}
