import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ct-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

describe('the npm package', () => {
  it('installed from `npm pack` into an empty prefix runs `cluster-tool --help`', () => {
    // A module left in dist/ by an earlier build whose source is gone: the build starts afresh,
    // so the package ships only what the sources compile to.
    const stale = path.join(REPO, 'dist', 'renamed-long-ago.js');
    writeFileSync(stale, 'export {};\n');
    run('npm', ['run', 'build'], REPO);
    expect(existsSync(stale)).toBe(false);
    // Built just now; --ignore-scripts skips prepack's second build.
    const tarball = run(
      'npm',
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp],
      REPO,
    )
      .trim()
      .split('\n')
      .pop();
    expect(tarball).toMatch(/\.tgz$/);
    const listed = run('tar', ['-tzf', path.join(tmp, tarball ?? '')], tmp).split('\n');
    const modules = listed.filter((f) => /^package\/dist\/.*\.js$/.test(f));
    expect(modules).toContain('package/dist/cli/main.js');
    for (const m of modules)
      expect(
        existsSync(path.join(REPO, m.replace(/^package\/dist/, 'src').replace(/\.js$/, '.ts'))),
        m,
      ).toBe(true);
    // The layout `npm install --global --prefix P` makes, with the production dependencies taken
    // from the lockfile and npm's cache so the test needs no registry.
    const prefix = path.join(tmp, 'prefix');
    const pkg = path.join(prefix, 'lib', 'node_modules', 'cluster-tool');
    mkdirSync(pkg, { recursive: true });
    mkdirSync(path.join(prefix, 'bin'));
    run('tar', ['-xzf', path.join(tmp, tarball ?? ''), '-C', pkg, '--strip-components=1'], tmp);
    copyFileSync(path.join(REPO, 'package-lock.json'), path.join(pkg, 'package-lock.json'));
    run(
      'npm',
      ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      pkg,
    );
    symlinkSync(
      '../lib/node_modules/cluster-tool/bin/cluster-tool.js',
      path.join(prefix, 'bin', 'cluster-tool'),
    );
    const r = spawnSync('cluster-tool', ['--help'], {
      encoding: 'utf8',
      env: { PATH: `${path.join(prefix, 'bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin` },
    });
    expect(r.stderr).not.toContain('not built yet');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('cluster-tool <command>');
    // The Blender add-on ships, and the installed package zips it for Blender's installer.
    expect(listed).toContain('package/blender-python/cluster_tool_addon/__init__.py');
    const zip = spawnSync(
      'cluster-tool',
      ['blender-addon', 'zip', '--out', path.join(tmp, 'a.zip')],
      {
        encoding: 'utf8',
        env: {
          PATH: `${path.join(prefix, 'bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
        },
      },
    );
    expect(zip.status, zip.stderr).toBe(0);
    expect(run('unzip', ['-l', path.join(tmp, 'a.zip')], tmp)).toContain(
      'cluster_tool_addon/__init__.py',
    );
  });
});
