import type { Argv } from 'yargs';
import { CliError } from '../errors.js';
import { ApiError, callApi, UnreachableError } from '../api/http-client.js';
import { defaultStateDir, readAddress, readToken } from '../coordinator/state-dir.js';
import { ownUserToken } from './user-token.js';

/** Adds `--state-dir` and `--coordinator` to verbs that talk to the coordinator. */
export function withCoordinatorOptions<T>(y: Argv<T>) {
  return y
    .option('state-dir', {
      type: 'string',
      describe: "The coordinator's state directory (its token and address live there)",
      defaultDescription: "$CLUSTER_TOOL_STATE_DIR, /shared/cluster-tool, or the local cluster's",
    })
    .option('coordinator', {
      type: 'string',
      describe: 'Coordinator URL (default: from the state directory)',
    });
}

/** No coordinator to ask: none is recorded in the state directory, or it does not answer. */
export class NoCoordinator extends CliError {}

/** A connection to a running coordinator: its URL and the user token. */
export class CoordinatorConnection {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  static fromArgs(argv: Record<string, unknown>): CoordinatorConnection {
    const dir = (argv['state-dir'] as string | undefined) ?? defaultStateDir();
    // The operator reads the state directory's token; any other user has one of their own.
    const token = process.env.CLUSTER_TOOL_TOKEN ?? readToken(dir) ?? ownUserToken(dir);
    const url =
      (argv.coordinator as string | undefined) ??
      process.env.CLUSTER_TOOL_COORDINATOR ??
      readAddress(dir)?.url;
    if (url && !token)
      throw new NoCoordinator(
        `the coordinator in ${dir} has no token for you: you cannot read its operator's token, and ` +
          `it enrols no user tokens (no ${dir}/users folder). Ask its operator to restart it with this ` +
          'cluster-tool, or to give you access.',
      );
    if (!url || !token) {
      throw new NoCoordinator(
        `no coordinator found in ${dir}. Start one with \`cluster-tool local up\` (local cluster) or ` +
          '`cluster-tool coordinator start`, or give --state-dir.',
      );
    }
    return new CoordinatorConnection(url, token);
  }

  async request<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    try {
      const r = await callApi<T>(this.url, this.token, method, route, body);
      return r.data as T;
    } catch (err) {
      if (err instanceof UnreachableError) {
        throw new NoCoordinator(
          `${err.message}. Is it running? (\`cluster-tool local status\` or the coordinator service)`,
        );
      }
      if (err instanceof ApiError)
        throw new CliError(err.message, err.status === 400 ? 2 : err.status === 404 ? 4 : 1);
      throw err;
    }
  }
}
