// How a `facet` command ends: the exit codes every command uses, and the one place a failure is
// printed. A domain error's words are for a person already (the file it is about is added when
// the words do not name it); a file-system error is put in words naming the file.
import { DomainError } from '../contract/domain-error';
import { describeFsError } from '../dataset/io/fs-errors';

export const EXIT = {
  ok: 0,
  /** The command could not do its work. */
  failed: 1,
  /** It ran, but some inputs were skipped for a problem (listed on stderr). */
  partial: 2,
  /** Stopped by Ctrl+C / SIGTERM (what was done is kept). */
  interrupted: 130,
} as const;

export function failureText(error: unknown): string {
  if (error instanceof DomainError) return error.file && !error.message.includes(error.file) ? `${error.message} (${error.file})` : error.message;
  return describeFsError(error) ?? (error instanceof Error ? error.message : String(error));
}

/** Prints the failure and sets the exit code. */
export function reportFailure(error: unknown): void {
  process.stderr.write(`facet: ${failureText(error)}\n`);
  process.exitCode = EXIT.failed;
}
