/**
 * A command broke a business rule. `field` names the offending input so the
 * HTTP layer can say which one; `code` is stable for clients to branch on.
 * Rejected commands store nothing.
 */
export class DomainRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Unprocessable (422) rather than malformed (400): well-formed input the domain refuses. */
    readonly unprocessable = true,
  ) {
    super(message);
    this.name = 'DomainRuleViolation';
  }
}
