import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
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

describe('the AWS CLI the bootstrap scripts use', () => {
  /** A directory holding a fake `aws` that reports `version` and logs its arguments. */
  function fakeAws(version: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-aws-'));
    const bin = path.join(dir, 'aws');
    writeFileSync(
      bin,
      `#!/bin/sh\nif [ "$1" = --version ]; then echo "aws-cli/${version} Python/3.12"; exit 0; fi\necho "$@" >> "${dir}/calls"\n`,
    );
    chmodSync(bin, 0o755);
    return dir;
  }

  /** Runs the scripts' aws_s3 with `awsCli` as the rendered default and PATH as given. */
  function runAwsS3(awsCli: string, pathDirs: string[]) {
    const script = renderBootstrapScripts({ bucket: 'b', bundle: SAMPLE_BUNDLE, awsCli })[
      'compute-node.sh'
    ];
    const fns = /^AWS_CLI=""\n[\s\S]*?\n}\n\naws_s3\(\) \{[\s\S]*?\n}\n/m.exec(script ?? '')?.[0];
    expect(fns, 'the scripts define find_aws_cli and aws_s3').toBeDefined();
    return spawnSync('/bin/bash', ['-c', `${fns ?? ''}\naws_s3 cp s3://b/k /tmp/x`], {
      encoding: 'utf8',
      env: { PATH: pathDirs.join(':') },
    });
  }

  it('is AWS CLI v2 where the node has it, even with a v1 first on PATH (ParallelCluster 3.16.2 AMIs carry v2 only)', () => {
    const v1 = fakeAws('1.33.0');
    const v2 = fakeAws('2.17.0');
    const r = runAwsS3(path.join(v2, 'aws'), [v1]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/AWS CLI: .*aws \(aws-cli\/2\.17\.0/);
    expect(readFileSync(path.join(v2, 'calls'), 'utf8')).toBe('s3 cp s3://b/k /tmp/x\n');
    expect(existsSync(path.join(v1, 'calls'))).toBe(false);
    // v2 on PATH only, the default link missing: found on PATH.
    const onPath = runAwsS3('/nonexistent/aws', [v2]);
    expect(onPath.stdout).toMatch(/aws-cli\/2\.17\.0/);
  });

  it('falls back to a v1 only when no v2 is there, and says what to install when there is none', () => {
    const v1 = fakeAws('1.33.0');
    const old = runAwsS3('/nonexistent/aws', [v1]);
    expect(old.status, old.stderr).toBe(0);
    expect(old.stdout).toMatch(/is not v2 \(ParallelCluster 3\.16 AMIs carry v2 only\)/);
    const none = runAwsS3('/nonexistent/aws', [mkdtempSync(path.join(os.tmpdir(), 'ct-empty-'))]);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/no AWS CLI on this node .*install it \(AWS CLI v2 installer/);
  });
});
