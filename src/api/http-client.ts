/** A small JSON client for the coordinator's API with a bearer token. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown when the coordinator cannot be reached at all (restarting, network). */
export class UnreachableError extends Error {}

export async function callApi<T>(
  baseUrl: string,
  token: string,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; data: T | undefined }> {
  const send = () =>
    fetch(new URL(route, baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  let res: Response;
  try {
    res = await send().catch((err: Error & { cause?: { code?: string } }) => {
      // A kept-alive connection the server closed as this request went out: a GET is sent
      // again once on a new one (a POST may have been taken, so it is not).
      if (method === 'GET' && err.name !== 'AbortError' && err.cause?.code === 'UND_ERR_SOCKET')
        return send();
      throw err;
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new UnreachableError(
      `cannot reach the coordinator at ${baseUrl}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
    );
  }
  return replyOf<T>(res.status, await res.text());
}

/** A reply's status and JSON body, or the ApiError its status >= 400 and body say. */
export function replyOf<T>(status: number, text: string): { status: number; data: T | undefined } {
  const data = text ? (JSON.parse(text) as T) : undefined;
  if (status >= 400) {
    const msg = (data as { error?: string } | undefined)?.error ?? `HTTP ${status}`;
    throw new ApiError(status, msg);
  }
  return { status, data };
}
