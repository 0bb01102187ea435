import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { formatCommandLine, spawnProcess } from '../../process/run.js';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';
import { dcvConnectCommand, openDcvSession } from '../pcluster-dcv.js';
import { runRemotelyIfAsked, withClusterOption } from '../remote.js';

/** The first executable called `name` on PATH, or undefined. */
export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The viewer URL for a login code: the code rides in the fragment, which browsers never send;
 * with a job, the page shows that job once signed in (viewer/app/format.ts `parseHash`).
 */
export function viewerUrl(base: string, code: string, job?: string): string {
  const at = job === undefined ? '' : `&job=${encodeURIComponent(job)}`;
  return `${base.replace(/\/+$/, '')}/#code=${encodeURIComponent(code)}${at}`;
}

/** Mints a one-time login code on the coordinator and prints (or opens) the viewer URL. */
async function local(argv: Record<string, unknown>): Promise<void> {
  const conn = CoordinatorConnection.fromArgs(argv);
  const { code, expiresAt } = await conn.request<{ code: string; expiresAt: number }>(
    'POST',
    '/api/login-codes',
  );
  const url = viewerUrl(conn.url, code, argv.job as string | undefined);
  const minutes = Math.max(1, Math.round((expiresAt - Date.now()) / 60_000));
  process.stdout.write(`${url}\n`);
  process.stderr.write(
    `· a one-time link: it signs one browser in and expires in ${minutes} min; run \`cluster-tool viewer\` again for another\n`,
  );
  if (!argv.open) return;
  const opener = findOnPath('xdg-open');
  if (!opener) {
    process.stderr.write('· xdg-open is not installed: open the link above by hand\n');
    return;
  }
  const { child } = await spawnProcess(opener, [url], { detached: true, stdio: 'ignore' });
  child.nodeChildProcess.unref();
  void child.catch(() => {});
}

const note = (line: string) => process.stderr.write(`${line}\n`);

/** With --cluster: the DCV session on the head node, then a viewer link minted there. */
async function remote(argv: Record<string, unknown>): Promise<number> {
  const cluster = argv.cluster as string;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,59}$/.test(cluster))
    throw new UsageError(`--cluster "${cluster}" is not a ParallelCluster cluster name`);
  const region = argv.region as string | undefined;
  const keyPath = argv['key-path'] as string | undefined;
  const pcluster = findOnPath('pcluster');
  if (pcluster) {
    const code = await openDcvSession(pcluster, cluster, { region, keyPath, note });
    if (code !== 0)
      note(
        `· pcluster exited with ${code}; the viewer link below still works once you are in the DCV session`,
      );
  } else {
    const args = dcvConnectCommand(3, cluster, { region, keyPath }).args;
    note(
      `· the pcluster CLI is not installed (pip install aws-parallelcluster). Open the DCV session with:\n  ${formatCommandLine('pcluster', args)}\n  (a 2.x CLI: ${formatCommandLine('pcluster', dcvConnectCommand(2, cluster, { keyPath }).args)})`,
    );
  }
  process.stderr.write('· open this link in the browser inside the DCV session:\n');
  return runRemotelyIfAsked('viewer', {
    ...argv,
    open: false,
    // A path on this machine: the head node has no use for it.
    'key-path': undefined,
    keyPath: undefined,
  }).then((code) => code ?? 0);
}

export const viewerCommand: CommandModule = {
  command: 'viewer',
  describe:
    'Print (or --open) a one-time link to the browser viewer; with --cluster, open the DCV session on the head node first',
  builder: (y) =>
    withCoordinatorOptions(withClusterOption(y))
      .option('job', {
        type: 'string',
        describe: 'Open the viewer at this job',
      })
      .option('open', {
        type: 'boolean',
        describe: 'Open the link with xdg-open when it is installed',
      })
      .option('key-path', {
        type: 'string',
        describe: "With --cluster: the key pair's private key for pcluster's DCV connection",
      }),
  handler: async (argv) => {
    if (argv.cluster !== undefined) {
      process.exitCode = await remote(argv);
      return;
    }
    await local(argv);
  },
};
