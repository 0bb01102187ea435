import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandStep,
  instantiateTask,
  resolveJobParameters,
  stepOrder,
} from '../../src/openjd/index.js';
import { EXAMPLES, loadExample } from './helpers/load-example.js';
import { matching } from './helpers/matching.js';

describe('the examples validate and expand', () => {
  it('tiles: four steps, the middle two fanned out from what Generate writes', () => {
    const { template, values } = loadExample('tiles', { WorkDir: '/w' });
    expect(stepOrder(template)).toEqual(['Generate', 'Process', 'MergeRows', 'MergeImage']);
    const tiles = expandStep(template, 'Process', values, (req) => {
      expect(req).toEqual({
        step: 'Process',
        parameter: 'Tile',
        kind: 'glob',
        path: '/w/tiles/tile_*.npy',
      });
      return ['/w/tiles/tile_000_000.npy', '/w/tiles/tile_000_001.npy'];
    });
    expect(tiles).toHaveLength(2);
    const cmd = instantiateTask(template, 'Process', tiles[1]!.params, values, '/s');
    expect(cmd.argv).toEqual([
      'python3',
      path.join(EXAMPLES, 'tiles/scripts/tiles.py'),
      'process',
      '--work',
      '/w',
      '--input',
      '/w/tiles/tile_000_001.npy',
    ]);
    expect(cmd.env).toEqual({ PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' });
  });

  it('sparse-dnn: a batch task per layer stage, in order', () => {
    const { template, values } = loadExample('sparse-dnn', { WorkDir: '/w', Batches: 5 });
    expect(stepOrder(template)).toEqual([
      'Prepare',
      'Layers001to040',
      'Layers041to080',
      'Layers081to120',
      'Categories',
    ]);
    const tasks = expandStep(template, 'Layers041to080', values);
    expect(tasks.map((t) => t.params.Batch?.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(
      instantiateTask(template, 'Layers041to080', tasks[4]!.params, values, '/s').argv.slice(2),
    ).toEqual(['infer', '--work', '/w', '--batch', '5', '--first', '41', '--last', '80']);
    expect(resolveJobParameters(template, { WorkDir: '/w', Neurons: 4096 }).errors).toEqual([
      { path: 'Neurons', message: '4096 is not one of the allowed values 1024, 32768' },
    ]);
  });

  it('blender-render: the Deadline Cloud style bundle renders one frame per task, then encodes', () => {
    const { template, values, warnings } = loadExample('blender-render', { Frames: '1-10:3' });
    expect(values.SceneFile?.value).toBe(path.resolve(EXAMPLES, '../../scenes/sample.blend'));
    expect(values.OutputDir?.value).toBe(path.join(EXAMPLES, 'blender-render/output'));
    expect(warnings.map((w) => w.path)).toContain('parameter_values.yaml: deadline:priority');
    const frames = expandStep(template, 'Render', values);
    expect(frames.map((t) => t.params.Frame?.value)).toEqual(['1', '4', '7', '10']);
    const cmd = instantiateTask(template, 'Render', frames[3]!.params, values, '/s');
    expect(cmd.argv.slice(-2)).toEqual(['-f', '10']);
    expect(cmd).toMatchObject({
      env: { TMPDIR: '/s' },
      cancelation: { mode: 'NOTIFY_THEN_TERMINATE', notifyPeriodSeconds: 30 },
    });
    const encode = instantiateTask(template, 'Encode', {}, values, '/s');
    expect(encode.argv).toEqual([
      'bash',
      '/s/embedded/task/encode.sh',
      path.join(EXAMPLES, 'blender-render/output'),
      '24',
    ]);
    expect(encode.files[0]).toMatchObject({
      runnable: true,
      content: matching(/^#!\/usr\/bin\/env bash/),
    });
  });

  it('blender-chunked: one task per chunk of frames, its range turned into Blender -f syntax', () => {
    const { template, values } = loadExample('blender-chunked', {
      Frames: '1-3,5,7-15:2',
      ChunkSize: 3,
    });
    const chunks = expandStep(template, 'Render', values);
    expect(chunks.map((t) => t.params.Frame?.value)).toEqual(['1-3', '5-9:2', '11-15:2']);
    const cmd = instantiateTask(template, 'Render', chunks[1]!.params, values, '/s');
    expect(cmd.argv.slice(-2)).toEqual(['1', '5-9:2']);
    const script = cmd.files.find((f) => f.path.endsWith('render.sh'))?.content ?? '';
    // a stepped element is listed (Blender's -f has no steps), a run becomes a..b
    expect(script).toMatch(/seq -s, /);
    expect(script).toMatch(/\.\./);
  });
});
