// What a person reads when something failed: an Error's own message (an ApiError from the host
// carries words meant for people), anything else thrown as text.

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
