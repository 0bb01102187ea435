import { callApi } from '../src/api/http-client.js';

/** The coordinator's HTTP API as a user calls it: the reply's body, or an ApiError. */
export function apiOf(rc: { url: string; token: string }) {
  return async <T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> =>
    (await callApi<T>(rc.url, rc.token, method, route, body)).data as T;
}
