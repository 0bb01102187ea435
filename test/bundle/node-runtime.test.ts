import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTar } from '../../src/bundle/tar.js';
import { NODE_MAJOR_NEEDED, nodeRuntimePart } from '../../src/bundle/node-runtime.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'ct-node-runtime-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fresh = (name: string) => {
  const dir = path.join(work, name);
  mkdirSync(dir);
  return dir;
};

describe('the Node.js a bundle carries to the nodes', () => {
  it('is, by default, the Node.js running the tool: a supported one', async () => {
    const part = await nodeRuntimePart({}, fresh('default'), () => {});
    expect(Number(part.version.split('.')[0])).toBeGreaterThanOrEqual(NODE_MAJOR_NEEDED);
    expect(NODE_MAJOR_NEEDED).toBe(24);
    expect(part.runtime).toBe('glibc-228');
  });

  // The system's own node stands in for an old release (Debian 12's is 20).
  const system = '/usr/bin/node';
  const systemMajor = Number(
    spawnSync(system, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.split('.')[0],
  );
  it.skipIf(!(systemMajor < NODE_MAJOR_NEEDED))(
    'refuses a --node-tarball older than the tool runs on, naming the version to give',
    async () => {
      const dir = fresh('old');
      const top = 'node-v20.20.2-linux-x64';
      mkdirSync(path.join(dir, top, 'bin'), { recursive: true });
      copyFileSync(system, path.join(dir, top, 'bin', 'node'));
      const tarball = path.join(dir, `${top}.tar.gz`);
      await makeTar(tarball, dir, [top], { gzip: true });
      const run = nodeRuntimePart({ nodeTarball: tarball }, fresh('old-probe'), () => {});
      await expect(run).rejects.toThrow(
        /runs on Node\.js 24 or newer: give a node-v24\.x linux-x64 tarball/,
      );
    },
  );
});
