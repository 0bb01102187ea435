import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifestFromJobDir } from '../../src/openjd/index.js';
import { EXAMPLES, loadExample } from './helpers/load-example.js';
import { runJobLocally } from './helpers/run-local.js';

function python(args: string[]): void {
  const r = spawnSync('python3', args, { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('the examples run as pipelines and match their single-process runs', () => {
  it('tiles: the tiled, merged edge filter equals filtering the whole raster at once', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'ct-ojd-tiles-'));
    const { template, values } = loadExample('tiles', {
      WorkDir: work,
      Width: 160,
      Height: 100,
      TileSize: 48,
    });
    const run = runJobLocally(template, values, {
      sessionRoot: work,
      readManifest: readManifestFromJobDir(work),
    });
    expect(run.tasks).toEqual({ Generate: 1, Process: 12, MergeRows: 3, MergeImage: 1 });
    expect(run.events.Generate).toContainEqual({ kind: 'metric', name: 'tiles', value: 12 });
    const single = path.join(work, 'single', 'result.npy');
    python([
      path.join(EXAMPLES, 'tiles/scripts/tiles.py'),
      'single',
      '--width',
      '160',
      '--height',
      '100',
      '--seed',
      '7',
      '--out',
      single,
    ]);
    expect(readFileSync(path.join(work, 'result.npy')).equals(readFileSync(single))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(work, 'stats.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(path.join(work, 'single', 'stats.json'), 'utf8')),
    );
  }, 120_000);

  it('sparse-dnn: batches through three layer stages give the serial reference categories', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'ct-ojd-dnn-'));
    const { template, values } = loadExample('sparse-dnn', {
      WorkDir: work,
      Inputs: 300,
      Batches: 3,
    });
    const run = runJobLocally(template, values, { sessionRoot: work });
    expect(run.tasks).toEqual({
      Prepare: 1,
      Layers001to040: 3,
      Layers041to080: 3,
      Layers081to120: 3,
      Categories: 1,
    });
    const serial = path.join(work, 'serial');
    python([
      path.join(EXAMPLES, 'sparse-dnn/scripts/dnn.py'),
      'serial',
      '--out',
      serial,
      '--neurons',
      '1024',
      '--layers',
      '120',
      '--inputs',
      '300',
      '--seed',
      '3',
    ]);
    const stats = JSON.parse(readFileSync(path.join(work, 'stats.json'), 'utf8')) as {
      categories: number;
    };
    expect(stats.categories).toBeGreaterThan(0);
    expect(stats.categories).toBeLessThan(300);
    expect(stats).toEqual(JSON.parse(readFileSync(path.join(serial, 'stats.json'), 'utf8')));
    expect(readFileSync(path.join(work, 'categories.txt'), 'utf8')).toBe(
      readFileSync(path.join(serial, 'categories.txt'), 'utf8'),
    );
  }, 120_000);
});
