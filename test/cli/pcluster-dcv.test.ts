import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dcvConnectCommand, openDcvSession, pclusterMajor } from '../../src/cli/pcluster-dcv.js';

/**
 * A double of the pcluster CLI: answers `version` as the given release does and writes the
 * arguments and AWS_DEFAULT_REGION of any other call to a file.
 */
function pclusterDouble(versionOutput: string): { bin: string; calls: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-pcluster-'));
  const bin = path.join(dir, 'pcluster');
  const calls = path.join(dir, 'calls');
  writeFileSync(
    bin,
    `#!/bin/sh\nif [ "$1" = version ]; then echo '${versionOutput}'; exit 0; fi\n` +
      `printf '%s\\n' "$@" "region=\${AWS_DEFAULT_REGION:-}" > '${calls}'\n`,
  );
  chmodSync(bin, 0o755);
  return { bin, calls };
}

describe("opening the head node's DCV session", () => {
  it('reads the CLI generation from `pcluster version`', () => {
    expect(pclusterMajor('2.8.0\n')).toBe(2);
    expect(pclusterMajor('{\n  "version": "3.9.1"\n}\n')).toBe(3);
    expect(pclusterMajor('')).toBeUndefined();
  });

  it('runs `pcluster dcv connect NAME -k KEY` with a 2.x CLI, the region in its environment', async () => {
    const { bin, calls } = pclusterDouble('2.8.0');
    const code = await openDcvSession(bin, 'index', {
      region: 'us-west-2',
      keyPath: '/home/me/.ssh/index.pem',
      note: () => {},
    });
    expect(code).toBe(0);
    expect(readFileSync(calls, 'utf8').split('\n')).toEqual([
      'dcv',
      'connect',
      'index',
      '-k',
      '/home/me/.ssh/index.pem',
      'region=us-west-2',
      '',
    ]);
  });

  it('runs `pcluster dcv-connect --cluster-name NAME` with a 3.x CLI', async () => {
    const { bin, calls } = pclusterDouble('{"version": "3.9.1"}');
    await openDcvSession(bin, 'render', { region: 'eu-west-1', note: () => {} });
    expect(readFileSync(calls, 'utf8').split('\n').slice(0, 5)).toEqual([
      'dcv-connect',
      '--cluster-name',
      'render',
      '--region',
      'eu-west-1',
    ]);
    expect(dcvConnectCommand(3, 'render', {}).args).toEqual([
      'dcv-connect',
      '--cluster-name',
      'render',
    ]);
  });
});
