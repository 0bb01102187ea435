import { createHmac } from 'node:crypto';

/**
 * A job's end told to a URL (`submit --notify URL`, or the coordinator's `--notify` default): a
 * JSON POST signed with a key derived from the user token, so a receiver given that key (the
 * `notify-key` verb prints it) can tell the message came from this coordinator, and the key
 * reveals nothing of the token. Shared by the CLI (checks `--notify` before sending), the
 * submission, and the coordinator's delivery.
 */

/** The header that carries the signature: `sha256=` and the HMAC-SHA256 of the body in hex. */
export const SIGNATURE_HEADER = 'x-cluster-tool-signature';
/** The header that names the delivery, the same on every retry (a receiver may drop repeats). */
export const DELIVERY_HEADER = 'x-cluster-tool-delivery';

/** What a job's end says. */
export interface JobEndNotice {
  type: 'job.ended';
  jobId: string;
  name: string;
  kind: string;
  state: 'succeeded' | 'failed' | 'cancelled';
  /** The failure headline, or null. */
  error: string | null;
  /** Its tasks; `failed` counts the cancelled ones too. */
  tasks: { total: number; done: number; failed: number };
  createdAt: number;
  finishedAt: number;
}

/** The key messages are signed with: derived from the user token, which it does not reveal. */
export function notifyKey(userToken: string): string {
  return createHmac('sha256', userToken).update('cluster-tool notification key v1').digest('hex');
}

/** The signature header's value for `body` under `key`. */
export function signNotice(key: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/** At most this many URLs a job; a URL at most this long. */
export const MAX_NOTIFY_URLS = 8;
const MAX_URL_LENGTH = 2048;

/**
 * What is wrong with a notification URL, or null. Only http(s), no credentials in it (they would
 * be shown in the job's record), and not the link-local range, where a cloud host's instance
 * metadata (and its credentials) answers: a user's URL must not make the head node ask it.
 */
function notifyUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH)
    return `a notification URL must be an http(s) URL of at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL: give one such as https://hooks.example.com/render`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `a notification URL must start with http:// or https://, got ${url.protocol}`;
  if (url.username || url.password)
    return 'a notification URL must not hold a user name or password: put a secret in its path or query, or check the signature';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (
    /^169\.254\./.test(host) ||
    /^fe[89ab][0-9a-f]?:/.test(host) ||
    host === 'metadata.google.internal'
  )
    return `a notification URL may not point at a link-local address (${host}): that is where instance metadata answers`;
  return null;
}

/** What is wrong with a job's list of notification URLs, or null. */
export function notifyListProblem(urls: readonly unknown[]): string | null {
  if (urls.length > MAX_NOTIFY_URLS)
    return `at most ${MAX_NOTIFY_URLS} URLs a job, got ${urls.length}`;
  for (const url of urls) {
    const problem = notifyUrlProblem(url);
    if (problem) return problem;
  }
  return null;
}

/** The part of a URL a job's record shows: its origin and path, never its query. */
export function shownUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
