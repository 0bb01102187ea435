import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { svox2For, svox2SetupTask } from '../../../src/renderers/plenoxels/environment.js';
import { runCli } from '../../helpers/cli.js';

const SVOX2 = path.resolve('test/doubles/svox2');

describe('the svox2 environment a sweep runs with', () => {
  it('is refused with what to run when none was built and no --svox2 is given', () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'ct-svox2-'));
    expect(() => svox2For(state, {})).toThrow(
      /no svox2 environment .*cluster-tool setup svox2 --source/,
    );
    const tasks = path.join(state, 'tasks.json');
    writeFileSync(
      tasks,
      JSON.stringify({
        data_root: state,
        train_root: state,
        tasks: [{ train_dir: 'a', flags: [] }],
      }),
    );
    const r = runCli(['submit', 'plenoxels', tasks, '--state-dir', state]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no svox2 environment on the shared file system/);
  });

  it('is the one setup svox2 recorded: its checkout and its virtualenv Python', () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'ct-svox2-'));
    const python = path.join(state, 'svox2', 'venv', 'bin', 'python');
    mkdirSync(path.dirname(python), { recursive: true });
    writeFileSync(python, '');
    writeFileSync(
      path.join(state, 'svox2', 'environment.json'),
      JSON.stringify({ svox2Dir: SVOX2, python, builtAt: '2026-01-01T00:00:00Z', node: 'node1' }),
    );
    expect(svox2For(state, {})).toEqual({ svox2Dir: SVOX2, python });
    // Flags win, and a directory that is no svox2 checkout is refused.
    expect(svox2For(state, { svox2: SVOX2, python: 'python3' }).python).toBe('python3');
    expect(() => svox2For(state, { svox2: state })).toThrow(/is not a svox2 checkout/);
  });

  it('is built by one task that gets every value as an argument, never in its script', () => {
    const t = svox2SetupTask('/shared/in/sv ox2.tar.gz', '/shared/cluster-tool', 'python3');
    expect(t.argv.slice(0, 2)).toEqual(['bash', '-c']);
    expect(t.argv.slice(3)).toEqual([
      'svox2-setup',
      '/shared/in/sv ox2.tar.gz',
      '/shared/cluster-tool/svox2',
      'python3',
    ]);
    expect(t.argv[2]).not.toContain('/shared');
  });
});
