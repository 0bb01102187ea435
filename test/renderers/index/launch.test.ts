import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkIndexLaunch,
  findViewerUrl,
  growSrunArgv,
  parseViewerUrl,
  renderIndexGrowScript,
  renderIndexSessionScript,
  shrinkArgv,
  startSrunArgv,
} from '../../../src/renderers/index/index.js';
import { nodeFiles } from '../../../src/util/node-files.js';
import { bashSyntaxErrors, shellcheckFindings } from '../../helpers/shell.js';

const DOUBLES = path.resolve('test/doubles/nvindex');
const HOSTILE = "/tmp/it's $(touch pwned) `id`; *.prj";

function indexDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'index-demo-'));
  writeFileSync(path.join(dir, 'nvindex-viewer.sh'), '#!/bin/sh\n');
  chmodSync(path.join(dir, 'nvindex-viewer.sh'), 0o755);
  return dir;
}

describe('IndeX argument arrays', () => {
  it('starts, grows and shrinks a session as the recipe does', () => {
    expect(startSrunArgv({ nodes: 4, scene: '/opt/scenes/s/scene.prj' })).toEqual([
      'srun',
      '-N4',
      'nvindex-slurm',
      '-v',
      './nvindex-viewer.sh',
      '--add',
      '/opt/scenes/s/scene.prj',
    ]);
    expect(growSrunArgv(2, '17')).toEqual([
      'srun',
      '-N2',
      'nvindex-slurm',
      '-a17',
      './nvindex-viewer.sh',
    ]);
    expect(shrinkArgv('17', 3)).toEqual(['scontrol', 'update', 'JobId=17', 'NumNodes=3']);
    expect(() => growSrunArgv(2, '17;rm')).toThrow(/Slurm job number/);
    expect(() => startSrunArgv({ nodes: 0, scene: 'a.prj' })).toThrow(/--nodes/);
  });

  it('finds the viewer address in IndeX output, with or without srun labels', () => {
    const line = '[viewer] Application layer viewer server is running at http://10.0.1.23:8080';
    expect(parseViewerUrl(line)).toBe('http://10.0.1.23:8080');
    expect(parseViewerUrl(`0: ${line}/\r`)).toBe('http://10.0.1.23:8080');
    expect(parseViewerUrl('[viewer] starting')).toBeNull();
    expect(findViewerUrl(`loading\n${line}\n`)).toBe('http://10.0.1.23:8080');
  });
});

describe('IndeX checks', () => {
  it('accepts the sample scene and says what is wrong with a bad launch', () => {
    const dir = indexDir();
    expect(
      checkIndexLaunch({ scene: 'scenes/index/sample.prj', indexDir: dir }, nodeFiles),
    ).toEqual({
      errors: [],
      warnings: [],
    });
    const bad = checkIndexLaunch(
      {
        scene: 'scenes/index/missing.prj',
        indexDir: '/nonexistent/demo',
      },
      nodeFiles,
    );
    expect(bad.errors).toEqual([
      `scene ${path.resolve('scenes/index/missing.prj')} does not exist; give the path of a .prj file, e.g. scenes/index/sample.prj`,
      '--index-dir /nonexistent/demo does not exist; give the IndeX demo directory (default /opt/nvidia-index/demo)',
    ]);
    expect(checkIndexLaunch({ scene: 'package.json', indexDir: dir }, nodeFiles).errors[0]).toMatch(
      /ending in \.prj/,
    );
  });
});

describe('IndeX sbatch scripts', () => {
  it('pass bash -n and shellcheck, with a hostile scene path quoted', () => {
    const scripts = {
      session: renderIndexSessionScript({
        jobName: 'ct-index-1',
        nodes: 4,
        indexDir: '/opt/nvidia-index/demo',
        scene: HOSTILE,
      }),
      grow: renderIndexGrowScript({
        jobName: 'ct-index-1-grow',
        nodes: 2,
        indexDir: '/opt/nvidia-index/demo',
        firstJobId: '41',
      }),
    };
    for (const [name, text] of Object.entries(scripts)) {
      expect(bashSyntaxErrors(text), name).toBe('');
      expect(shellcheckFindings(text), name).toBe('');
    }
    expect(scripts.session).toContain('#SBATCH --nodes=4\n#SBATCH --exclusive\n');
    expect(scripts.grow).toContain('exec srun -N2 nvindex-slurm -a41 ./nvindex-viewer.sh\n');
    expect(() =>
      renderIndexSessionScript({ jobName: 'a b', nodes: 1, indexDir: '/x', scene: 'a.prj' }),
    ).toThrow(/job name/);
  });

  it('runs the launcher with the hostile scene path as one literal argument', async () => {
    const dir = indexDir();
    const scene = path.join(dir, "it's $(touch pwned) `id`; *.prj");
    writeFileSync(scene, '#! index_app_project 0\n');
    // srun for this test: drop -N<k> and run the command once, as task 0
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'srun'), '#!/bin/bash\nshift\nSLURM_PROCID=0 exec "$@"\n');
    chmodSync(path.join(bin, 'srun'), 0o755);
    const script = path.join(dir, 'session.sbatch');
    writeFileSync(
      script,
      renderIndexSessionScript({ jobName: 'ct-index', nodes: 1, indexDir: dir, scene }),
    );
    const log = path.join(dir, 'calls.log');
    const child = spawn('bash', [script], {
      cwd: dir,
      env: {
        ...process.env,
        PATH: `${bin}:${DOUBLES}:${process.env.PATH}`,
        SLURM_JOB_ID: '77',
        SLURM_JOB_NODELIST: 'n1',
        NVINDEX_DOUBLE_LOG: log,
      },
    });
    const url = await new Promise<string | null>((resolve) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const found = findViewerUrl(out);
        if (found) resolve(found);
      });
      child.on('exit', () => resolve(findViewerUrl(out)));
    });
    child.kill('SIGTERM');
    expect(url).toBe('http://127.0.0.1:8080');
    const logged = readFileSync(log, 'utf8');
    expect(logged).toContain('job=77 procid=0 mode=session');
    expect(logged).toContain(
      `--add ${execFileSync('bash', ['-c', 'printf %q "$1"', '_', scene]).toString()}`,
    );
    expect(() => readFileSync(path.join(dir, 'pwned'))).toThrow();
  });

  it('the launcher double refuses arguments the real launcher would not take', () => {
    const dir = indexDir();
    const run = (...args: string[]): string => {
      try {
        execFileSync(path.join(DOUBLES, 'nvindex-slurm'), args, { cwd: dir, stdio: 'pipe' });
        return 'ok';
      } catch (err) {
        return String((err as { stderr: Buffer }).stderr);
      }
    };
    expect(run('-a', './nvindex-viewer.sh')).toMatch(/-a<jobid>/);
    expect(run('-v', './nvindex-viewer.sh')).toMatch(/needs --add/);
    expect(run('-v', './missing.sh', '--add', 'x.prj')).toMatch(/not an executable/);
  });
});
