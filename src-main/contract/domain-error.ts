// What domain code (dataset, engine, segment) throws when the failure is one a person can act on:
// a code, the file or field it is about, and words for a person. Domain code never builds the
// API's ApiError: the host maps a DomainError to one in one place (host/errors.ts), the CLI
// prints it in one place (cli/failure.ts), and the engine worker carries it across its thread.
import type { ApiErrorCode } from './errors';

/** The API's codes that a domain can mean; `unknown_method` and `internal` are the host's own. */
export type DomainErrorCode = Exclude<ApiErrorCode, 'unknown_method' | 'internal'>;

export interface DomainErrorData {
  code: DomainErrorCode;
  /** Words for a person: what went wrong with what, and what to do about it when that is known. */
  message: string;
  /** Dotted path of the offending input field, for `invalid_input`. */
  field?: string;
  /** The file the error is about, for `bad_file` and `not_found`. */
  file?: string;
}

const CODES: ReadonlySet<string> = new Set<DomainErrorCode>(['invalid_input', 'not_found', 'conflict', 'bad_file', 'busy', 'forbidden', 'cancelled']);

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly field: string | undefined;
  readonly file: string | undefined;

  constructor(data: DomainErrorData) {
    super(data.message);
    this.name = 'DomainError';
    this.code = data.code;
    this.field = data.field;
    this.file = data.file;
  }

  /** Plain data (structured-cloneable): what crosses a worker thread. */
  toData(): DomainErrorData {
    const out: DomainErrorData = { code: this.code, message: this.message };
    if (this.field !== undefined) out.field = this.field;
    if (this.file !== undefined) out.file = this.file;
    return out;
  }

  static isCode(value: unknown): value is DomainErrorCode {
    return typeof value === 'string' && CODES.has(value);
  }
}
