/**
 * The coordinator's API from the page: JSON in and out, signed in by the session cookie the
 * coordinator set at `/login` (HttpOnly: the page never sees a token, and keeps none).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Fired on window when the API answers 401: the page goes back to the login prompt. */
export const AUTH_LOST = 'viewer:auth-lost';

/** The page's own requests: the session cookie goes along (to the same origin only). */
export function request(route: string, init: RequestInit = {}): Promise<Response> {
  return fetch(route, { credentials: 'same-origin', ...init });
}

/** Tells the page its session is gone (the coordinator answered 401). */
export function authLost(): void {
  window.dispatchEvent(new Event(AUTH_LOST));
}

async function errorOf(res: Response): Promise<ApiError> {
  let msg = `HTTP ${res.status}`;
  try {
    msg = ((await res.json()) as { error?: string }).error ?? msg;
  } catch {
    // not JSON
  }
  return new ApiError(res.status, msg);
}

async function check(res: Response): Promise<Response> {
  if (res.status === 401) authLost();
  if (res.status >= 400) throw await errorOf(res);
  return res;
}

export async function api<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await check(
    await request(route, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return (await res.json()) as T;
}

/** A file from the API as an object URL (for what is fetched whole: a full frame, the video). */
export async function blobUrl(route: string, signal?: AbortSignal): Promise<string> {
  const res = await check(await request(route, { signal }));
  return URL.createObjectURL(await res.blob());
}

/**
 * Whether this browser is signed in: true, false (401), or an ApiError when the coordinator
 * could not say (down, failing), which the page treats as signed in and shows as such.
 */
export async function signedIn(): Promise<boolean> {
  const res = await request('/api/coordinator');
  if (res.status === 401) return false;
  if (!res.ok) throw await errorOf(res);
  return true;
}

/** Signs in with a one-time login code, or the pasted user token; the cookie is the session. */
async function login(body: { code: string } | { token: string }): Promise<void> {
  const res = await request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
}

/** Trades a one-time login code for the session cookie (POST /login, no token needed). */
export function redeemCode(code: string): Promise<void> {
  return login({ code });
}

/** Signs in with a pasted token; false when the coordinator did not accept it. */
export async function tryToken(token: string): Promise<boolean> {
  try {
    await login({ token });
    return true;
  } catch {
    return false;
  }
}

/** Ends the session: the coordinator clears the cookie (whatever it answers, the page signs out). */
export async function signOut(): Promise<void> {
  await request('/logout', { method: 'POST' }).catch(() => undefined);
}

export function jobFile(jobId: string, rel: string): string {
  return `/api/jobs/${encodeURIComponent(jobId)}/files/${rel.split('/').map(encodeURIComponent).join('/')}`;
}
