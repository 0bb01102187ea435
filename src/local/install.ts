import { CliError } from '../errors.js';
import { runCommand } from '../process/run.js';
import { which } from './procs.js';

/** Debian packages the local cluster needs: Slurm and munge, and Blender and ffmpeg for its agents. */
export const LOCAL_PACKAGES = ['slurm-wlm', 'munge', 'blender', 'ffmpeg'];

export const INSTALL_COMMAND = `apt-get update && apt-get install -y --no-install-recommends ${LOCAL_PACKAGES.join(' ')}`;

/** Installs Slurm and munge with apt-get when root; otherwise says exactly what to run. */
export async function localInstall(log: (s: string) => void): Promise<'installed' | 'present'> {
  if (['slurmctld', 'munged', 'sbatch', 'blender', 'ffmpeg'].every((b) => which(b)))
    return 'present';
  if (process.getuid?.() !== 0) {
    throw new CliError(
      `installing system packages needs root. Run:\n  sudo sh -c '${INSTALL_COMMAND}'`,
    );
  }
  if (!which('apt-get'))
    throw new CliError(
      `apt-get was not found; install ${LOCAL_PACKAGES.join(' ')} with your package manager`,
    );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log('apt-get update');
  await runCommand('apt-get', ['update', '-q'], { env, timeoutMs: 600_000 });
  log(`apt-get install ${LOCAL_PACKAGES.join(' ')}`);
  await runCommand(
    'apt-get',
    ['install', '-y', '-q', '--no-install-recommends', ...LOCAL_PACKAGES],
    { env, timeoutMs: 900_000 },
  );
  return 'installed';
}
