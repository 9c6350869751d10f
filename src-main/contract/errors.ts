// The one error shape that crosses every transport. The host builds it from what handlers throw
// (host/errors.ts: a DomainError keeps its code, anything else is `internal`); transports
// serialise `toJSON()` and clients rebuild an ApiError.

export type ApiErrorCode =
  | 'unknown_method'
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'bad_file'
  | 'busy'
  | 'forbidden'
  | 'cancelled'
  | 'internal';

export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
  /** Dotted path of the offending input field, for `invalid_input`. */
  field?: string;
  /** The file the error is about, for `bad_file` and `not_found`. */
  file?: string;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly field: string | undefined;
  readonly file: string | undefined;

  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
    this.field = data.field;
    this.file = data.file;
  }

  toJSON(): ApiErrorData {
    const out: ApiErrorData = { code: this.code, message: this.message };
    if (this.field !== undefined) out.field = this.field;
    if (this.file !== undefined) out.file = this.file;
    return out;
  }

  static from(value: unknown): ApiError {
    if (value instanceof ApiError) return value;
    if (isApiErrorData(value)) return new ApiError(value);
    const message = value instanceof Error ? value.message : String(value);
    return new ApiError({ code: 'internal', message });
  }
}

export function isApiErrorData(value: unknown): value is ApiErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
