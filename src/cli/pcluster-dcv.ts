import { formatCommandLine, runCommand, spawnProcess } from '../process/run.js';

/**
 * The major version of the pcluster CLI from `pcluster version`'s output: 3.x prints JSON
 * (`{"version": "3.9.1"}`), 2.x a bare version (`2.8.0`). Undefined when neither.
 */
export function pclusterMajor(versionOutput: string): number | undefined {
  const m = /(?:"version"\s*:\s*")?(\d+)\.\d+/.exec(versionOutput);
  return m ? Number(m[1]) : undefined;
}

/** The DCV command line and environment for one CLI generation. */
export interface DcvCommand {
  args: string[];
  env: Record<string, string>;
}

/**
 * How each pcluster CLI opens a DCV session on the head node. 3.x: `pcluster dcv-connect
 * --cluster-name NAME [--region R] [--key-path K]`. 2.x: `pcluster dcv connect NAME [-k KEY]`,
 * which has no region flag and reads AWS_DEFAULT_REGION (aws/aws-parallelcluster at v2.8.0,
 * cli/pcluster/cli.py, the dcv subparser).
 */
export function dcvConnectCommand(
  major: number,
  cluster: string,
  o: { region?: string; keyPath?: string },
): DcvCommand {
  if (major >= 3)
    return {
      args: [
        'dcv-connect',
        '--cluster-name',
        cluster,
        ...(o.region ? ['--region', o.region] : []),
        ...(o.keyPath ? ['--key-path', o.keyPath] : []),
      ],
      env: {},
    };
  return {
    args: ['dcv', 'connect', cluster, ...(o.keyPath ? ['-k', o.keyPath] : [])],
    env: o.region ? { AWS_DEFAULT_REGION: o.region } : {},
  };
}

/**
 * Opens the DCV session with the installed pcluster CLI, in the spelling its version uses.
 * Returns the exit code; `note` gets the command line as a user could paste it.
 */
export async function openDcvSession(
  pcluster: string,
  cluster: string,
  o: { region?: string; keyPath?: string; note: (line: string) => void },
): Promise<number> {
  const version = await runCommand(pcluster, ['version'], { timeoutMs: 60_000 }).catch(
    () => undefined,
  );
  const major = pclusterMajor(`${version?.stdout ?? ''} ${version?.stderr ?? ''}`) ?? 3;
  const cmd = dcvConnectCommand(major, cluster, o);
  if (major < 3 && !o.keyPath)
    o.note(
      "· pcluster 2.x connects over SSH: give --key-path with the key pair's private key if it is not in your SSH agent",
    );
  o.note(`· ${formatCommandLine('pcluster', cmd.args)}`);
  const { child } = await spawnProcess(pcluster, cmd.args, {
    stdio: 'inherit',
    env: { ...process.env, ...cmd.env },
  });
  return (await child).exitCode ?? 1;
}
