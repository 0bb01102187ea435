import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Which test worlds the render leg runs in: the host's Debian 12, Debian 13's, or both. */
export type BenchWorld = 'host' | 'trixie' | 'both';
export const BENCH_WORLDS: readonly BenchWorld[] = ['host', 'trixie', 'both'];

/**
 * The arguments of the same bench run inside the Debian 13 world: its render leg only, in the
 * host world there (so it does not recurse), writing beside the host's report. The scene's
 * shape flags pass through unchanged, so both worlds render the same frames.
 */
export function trixieArgs(argv: readonly string[], outDir: string): string[] {
  const drop = new Set(['--only', '--world', '--out']);
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const name = a.split('=')[0] ?? '';
    if (drop.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    kept.push(a);
  }
  return [...kept, '--only', 'render', '--world', 'host', '--out', path.join(outDir, 'trixie')];
}

/** Why the Debian 13 world cannot run here, or undefined when it can. */
export function trixieUnavailable(project: string): string | undefined {
  if (process.getuid?.() !== 0) return 'it needs root (mounts and namespaces)';
  if (!existsSync(path.join(project, 'scripts', 'trixie', 'world.sh')))
    return 'scripts/trixie/world.sh is missing';
  if (!existsSync('/usr/bin/mmdebstrap')) return 'mmdebstrap is not installed';
  return undefined;
}

/**
 * Builds the Debian 13 world if it is not cached (minutes, once) and runs the render leg there
 * (Slurm 24.11, Blender 4.3) on a bench cluster of its own; its lines are printed prefixed
 * `[trixie]`. Resolves to the run's exit code.
 */
export async function renderLegInTrixie(
  project: string,
  argv: readonly string[],
  outDir: string,
): Promise<number> {
  const world = path.join(project, 'scripts', 'trixie', 'world.sh');
  const node = existsSync(path.join(project, 'node_modules', '.bin', 'node'))
    ? path.join(project, 'node_modules', '.bin', 'node')
    : process.execPath;
  const run = (args: string[]) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn('bash', [world, ...args], {
        cwd: project,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const prefix = (chunk: Buffer) =>
        process.stdout.write(
          chunk
            .toString()
            .split('\n')
            .map((l, i, all) => (i === all.length - 1 && l === '' ? '' : `[trixie] ${l}\n`))
            .join(''),
        );
      child.stdout.on('data', prefix);
      child.stderr.on('data', prefix);
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
  const built = await run(['build']);
  if (built !== 0) return built;
  return run([
    'run',
    node,
    path.join('dist-bench', 'bench', 'main.js'),
    ...trixieArgs(argv, outDir),
  ]);
}
