// The one place where failures become the API's ApiError: a domain error keeps its code, file
// and field; anything else is `internal` (a bug or an unforeseen fault, logged by the router), a
// file-system error in words that name the file.
// The router's own refusals (an unknown method, input its schema rejects) are built here too.
import { DomainError } from '../contract/domain-error';
import { ApiError } from '../contract/errors';
import { describeFsError } from '../dataset/io/fs-errors';

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) return new ApiError(error.toData());
  return new ApiError({ code: 'internal', message: describeFsError(error) ?? (error instanceof Error ? error.message : String(error)) });
}

export function unknownMethod(method: unknown): ApiError {
  return new ApiError({ code: 'unknown_method', message: `unknown method: ${String(method)}` });
}

export function invalidInput(field: string, message: string): ApiError {
  return new ApiError({ code: 'invalid_input', field, message });
}
