import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderBootstrapScripts } from '../../src/config/bootstrap.js';
import { SAMPLE_BUNDLE } from '../bundle/sample-bundle.js';
import { HOSTILE_VALUES } from '../helpers/hostile.js';
import { bashSyntaxErrors, shellcheckFindings } from '../helpers/shell.js';

const scripts = renderBootstrapScripts({ bucket: 'my-render-bucket', bundle: SAMPLE_BUNDLE });

/** The same scripts for a bundle that carries the glibc-2.17 Node.js build. */
const scripts217 = renderBootstrapScripts({
  bucket: 'my-render-bucket',
  bundle: {
    ...SAMPLE_BUNDLE,
    manifest: {
      ...SAMPLE_BUNDLE.manifest,
      node: { ...SAMPLE_BUNDLE.manifest.node, runtime: 'glibc-217', glibc: '2.17' },
    },
  },
});

function runCompute(root: string, args: string[] = [], script = scripts['compute-node.sh']) {
  return spawnSync('bash', ['-c', script ?? '', 'compute-node.sh', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CLUSTER_TOOL_ROOT: root, CLUSTER_TOOL_SKIP_INSTALL: '1' },
  });
}

describe('node bootstrap scripts', () => {
  it('pass bash -n and shellcheck', () => {
    for (const [name, script] of Object.entries(scripts)) {
      expect(bashSyntaxErrors(script), name).toBe('');
      expect(shellcheckFindings(script), name).toBe('');
    }
  });

  it('quote every value, so hostile ones still give valid scripts', () => {
    for (const v of HOSTILE_VALUES.filter((h) => h !== '')) {
      const s = renderBootstrapScripts({
        bucket: 'b',
        bundle: SAMPLE_BUNDLE,
        installPrefix: v,
        stateDir: v,
        listen: v,
      });
      for (const [name, script] of Object.entries(s))
        expect(bashSyntaxErrors(script), `${name} with ${v}`).toBe('');
    }
  });

  it('run the compute-node script in a temporary root and write its env file, marker and log', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ct-boot-'));
    const r = runCompute(root);
    expect(r.status, r.stderr).toBe(0);
    const env = readFileSync(path.join(root, 'etc/cluster-tool/env'), 'utf8');
    expect(env).toContain('CLUSTER_TOOL_BUCKET=my-render-bucket\n');
    expect(env).toContain(`CLUSTER_TOOL_STATE_DIR=${root}/shared/cluster-tool\n`);
    expect(env).toMatch(/^PATH=.*\/opt\/cluster-tool\/bin:/m);
    // systemd reads only this file: Slurm's commands must be on its PATH, not just in profile.d.
    expect(env).toMatch(/^PATH=(.*:)?\/opt\/slurm\/bin(:.*)?$/m);
    expect(existsSync(path.join(root, 'var/lib/cluster-tool/compute-bootstrap.done'))).toBe(true);
    expect(r.stdout).toContain('== ');
    expect(r.stdout).toContain('install-blender');
    // Idempotent: a second run succeeds and leaves the same env file.
    const again = runCompute(root);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'etc/cluster-tool/env'), 'utf8')).toBe(env);
    expect(readFileSync(path.join(root, 'var/log/cluster-tool-bootstrap.log'), 'utf8')).toContain(
      'write-env',
    );
  });

  it('take the Node.js build as their arguments, as the cluster config passes them', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ct-boot-'));
    const r = runCompute(root, ['--node-runtime', 'glibc-217'], scripts217['compute-node.sh']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('runs the glibc-217 Node.js build');
    // The config asks for one build and the bucket holds the other: say which to stage.
    const other = runCompute(root, ['--node-runtime', 'glibc-217']);
    expect(other.status).not.toBe(0);
    expect(other.stdout).toMatch(/carries the glibc-228 Node\.js build .*--node-tarball/);
    const bad = runCompute(root, ['--node-runtime', 'glibc-2.17']);
    expect(bad.status).toBe(2);
    // The script sends everything to its log and stdout (ParallelCluster keeps both).
    expect(bad.stdout).toContain('is not glibc-228 or glibc-217');
    expect(runCompute(root, ['--fast']).stdout).toContain('unknown argument "--fast"');
  });

  it('exit non-zero and name the step when one fails', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ct-boot-'));
    // A file where the env directory should be makes the write-env step fail.
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(path.join(root, 'etc', 'cluster-tool'), 'not a directory');
    const r = runCompute(root);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/step "write-env" failed/);
    expect(existsSync(path.join(root, 'var/lib/cluster-tool/compute-bootstrap.done'))).toBe(false);
  });
});
