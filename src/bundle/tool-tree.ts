import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { runCommand } from '../process/run.js';
import { glibcNeededUnder, newerGlibc } from './glibc-need.js';
import { extractTar } from './tar.js';

/** The tool's version from its package.json. */
export function toolVersion(root = packageRoot()): string {
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/**
 * Lays out the tool as the nodes run it under `dest/cluster-tool`: the files `npm pack` ships
 * and the production dependencies. From a checkout, those are installed from the lockfile (npm's
 * cache first), and native modules reuse the checkout's own builds (same versions, same
 * machine) rather than compiling again; an installed package is copied as it is.
 */
export async function buildToolTree(dest: string, log: (s: string) => void): Promise<string> {
  const root = packageRoot();
  const tree = path.join(dest, 'cluster-tool');
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js')))
    throw new CliError(`cluster-tool in ${root} is not built: run \`npm run build\` there first`);
  if (!existsSync(path.join(root, 'package-lock.json'))) {
    log(`copying the installed package ${root}`);
    cpSync(root, tree, { recursive: true, dereference: true });
    return tree;
  }
  log('packing the tool (npm pack) and installing its production dependencies (npm ci --omit=dev)');
  const packed = await runCommand(
    'npm',
    ['pack', '--ignore-scripts', '--silent', '--pack-destination', dest],
    { cwd: root, timeoutMs: 300_000, missingHint: 'stage needs npm (it comes with Node.js).' },
  );
  const tarball = path.join(dest, packed.stdout.trim().split('\n').pop() ?? '');
  mkdirSync(tree, { recursive: true });
  // npm pack puts everything under package/.
  await extractTar(tarball, tree, { strip: 1 });
  rmSync(tarball);
  cpSync(path.join(root, 'package-lock.json'), path.join(tree, 'package-lock.json'));
  await runCommand(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
    { cwd: tree, timeoutMs: 600_000 },
  );
  for (const pkg of nativePackages(path.join(tree, 'node_modules'))) {
    const built = path.join(root, 'node_modules', pkg, 'build');
    if (existsSync(built))
      cpSync(built, path.join(tree, 'node_modules', pkg, 'build'), { recursive: true });
    else await runCommand('npm', ['rebuild', pkg], { cwd: tree, timeoutMs: 600_000 });
  }
  return tree;
}

const toolGlibc = new Map<string, string | undefined>();

/**
 * The newest glibc the native modules of the tool installed here ask for: what a bundle staged
 * from here needs on the head node (undefined when they ask for none). Read once per process:
 * the modules are megabytes, and config checks ask for every OS they weigh.
 */
export function installedToolGlibc(root = packageRoot()): string | undefined {
  if (!toolGlibc.has(root)) {
    const modules = path.join(root, 'node_modules');
    toolGlibc.set(
      root,
      nativePackages(modules).reduce<string | undefined>(
        (best, pkg) => newerGlibc(best, glibcNeededUnder(path.join(modules, pkg))),
        undefined,
      ),
    );
  }
  return toolGlibc.get(root);
}

/** Packages under node_modules that build native code (they have a binding.gyp). */
function nativePackages(modules: string): string[] {
  if (!existsSync(modules)) return [];
  return readdirSync(modules).flatMap((name) => {
    if (name.startsWith('.')) return [];
    if (name.startsWith('@'))
      return readdirSync(path.join(modules, name))
        .map((n) => `${name}/${n}`)
        .filter((n) => existsSync(path.join(modules, n, 'binding.gyp')));
    return existsSync(path.join(modules, name, 'binding.gyp')) ? [name] : [];
  });
}
