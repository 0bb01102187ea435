/**
 * What was wrong with some JSON, without quoting it: V8's messages carry a snippet of the input,
 * and an error about a file the user named must never echo that file's contents.
 */
export function jsonErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /position (\d+)/.exec(message)?.[1];
  if (/end of JSON input|Unterminated/i.test(message)) return 'the JSON ends too early';
  return position ? `invalid JSON at character ${Number(position) + 1}` : 'invalid JSON';
}
