/** The coordinator's API from the page: bearer token from sessionStorage, JSON in and out. */
const KEY = 'cluster-tool.session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Fired on window when the API answers 401: the page goes back to the login prompt. */
export const AUTH_LOST = 'viewer:auth-lost';

function headers(json: boolean): Record<string, string> {
  return {
    authorization: `Bearer ${getToken() ?? ''}`,
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

async function check(res: Response): Promise<Response> {
  if (res.status === 401) {
    clearToken();
    window.dispatchEvent(new Event(AUTH_LOST));
  }
  if (res.status >= 400) {
    let msg = `HTTP ${res.status}`;
    try {
      msg = ((await res.json()) as { error?: string }).error ?? msg;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, msg);
  }
  return res;
}

export async function api<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await check(
    await fetch(route, {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return (await res.json()) as T;
}

/** A file from the API as an object URL (an <img> cannot send the bearer header). */
export async function blobUrl(route: string, signal?: AbortSignal): Promise<string> {
  const res = await check(await fetch(route, { headers: headers(false), signal }));
  return URL.createObjectURL(await res.blob());
}

/** Trades a one-time login code for the session token (POST /login, no token needed). */
export async function redeemCode(code: string): Promise<void> {
  const res = await fetch('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (!res.ok)
    throw new ApiError(
      res.status,
      ((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`,
    );
  setToken(((await res.json()) as { token: string }).token);
}

/** Checks a pasted token against the API before keeping it. */
export async function tryToken(token: string): Promise<boolean> {
  const res = await fetch('/api/jobs', { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) return false;
  setToken(token);
  return true;
}

export function jobFile(jobId: string, rel: string): string {
  return `/api/jobs/${encodeURIComponent(jobId)}/files/${rel.split('/').map(encodeURIComponent).join('/')}`;
}
