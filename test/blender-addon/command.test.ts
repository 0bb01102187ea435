import { execFileSync } from 'node:child_process';
import yargs, { type CommandModule } from 'yargs';
import { describe, expect, it } from 'vitest';
import { ADDON_MODULE } from '../../src/renderers/blender/addon.js';
import { packagePath } from '../../src/paths.js';
import { blenderSubmit } from '../../src/cli/commands/submit-blender.js';
import { stillSubmit } from '../../src/cli/commands/submit-still.js';
import { statusCommand } from '../../src/cli/commands/status.js';
import { viewerCommand } from '../../src/cli/commands/viewer.js';
import { depsCommand } from '../../src/cli/commands/deps.js';

// The add-on's command lines (blender-python/cluster_tool_addon/command.py, plain Python with no
// bpy) against the CLI's own parsers, strict: a flag the CLI renames or drops fails here.

/** command.py's functions called with `calls` ([name, ...args]), by the system's python3. */
function fromPython(calls: unknown[][]): unknown[] {
  const py =
    'import json, sys\n' +
    `sys.path.insert(0, ${JSON.stringify(packagePath('blender-python', ADDON_MODULE))})\n` +
    'import command\n' +
    'print(json.dumps([getattr(command, c[0])(*c[1:]) for c in json.loads(sys.argv[1])]))';
  return JSON.parse(
    execFileSync('python3', ['-c', py, JSON.stringify(calls)], { encoding: 'utf8' }),
  ) as unknown[];
}

/** What the CLI's parser makes of `args` for one verb; throws on what it would refuse. */
async function parse(verb: CommandModule, args: string[]) {
  let seen: Record<string, unknown> | undefined;
  await yargs(args)
    .command({ ...verb, handler: (a: Record<string, unknown>) => void (seen = a) })
    .strict()
    .exitProcess(false)
    .fail((msg: string, err?: Error) => {
      throw err ?? new Error(msg);
    })
    .parseAsync();
  return seen;
}

const base = {
  target: 'HERE',
  kind: 'ANIMATION',
  frames: '2-4',
  frame_step: 2,
  frame: 3,
  tiles: '2x2',
  output: '/shared/out',
  name: 'shot 1',
  nodes: 2,
  gpus_per_node: 0,
  priority: 70,
  samples: 8,
  resolution_percentage: 50,
  camera: 'Cam',
  device: 'cpu',
  format: 'PNG',
  denoiser: 'none',
  state_dir: '/var/ct',
};

describe("the add-on's command lines", () => {
  it('are checked by a parser that refuses a flag the CLI does not know', async () => {
    await expect(
      parse(blenderSubmit, ['blender', '/p/shot.blend', '--sample', '4']),
    ).rejects.toThrow(/Unknown argument: sample/);
  });

  it('submit an animation with every setting of the panel, as the CLI reads them', async () => {
    const [args] = fromPython([['submit_args', '/p/shot.blend', base]]) as string[][];
    expect(args?.slice(0, 3)).toEqual(['submit', 'blender', '/p/shot.blend']);
    const a = await parse(blenderSubmit, (args ?? []).slice(1));
    expect(a).toMatchObject({
      scene: '/p/shot.blend',
      frames: '2-4',
      'frame-step': 2,
      output: '/shared/out',
      nodes: 2,
      priority: 70,
      name: 'shot 1',
      samples: 8,
      'resolution-percentage': 50,
      camera: 'Cam',
      device: 'cpu',
      format: 'PNG',
      denoiser: 'none',
      'state-dir': '/var/ct',
      json: true,
    });
    expect(a?.['gpus-per-node']).toBeUndefined();
  });

  it('leave out what is as the scene has it, and send a tiled still of the current frame to a named cluster', async () => {
    const still = {
      ...base,
      kind: 'STILL',
      target: 'CLUSTER',
      cluster: 'render-farm',
      bucket: 'my-bucket',
      region: 'eu-west-1',
      samples: 0,
      resolution_percentage: 0,
      camera: '',
      device: 'SCENE',
      format: 'SCENE',
      denoiser: 'SCENE',
      output: '',
      name: '',
    };
    const [args, status, viewer, deps] = fromPython([
      ['submit_args', '/p/shot.blend', still],
      ['status_args', 'j7', still],
      ['viewer_args', 'j7', still],
      ['deps_args', '/p/shot.blend'],
    ]) as string[][];
    const a = await parse(stillSubmit, (args ?? []).slice(1));
    expect(a).toMatchObject({
      frame: 3,
      tiles: '2x2',
      cluster: 'render-farm',
      bucket: 'my-bucket',
      region: 'eu-west-1',
      json: true,
    });
    for (const k of ['samples', 'camera', 'device', 'format', 'denoiser', 'output', 'state-dir'])
      expect(a?.[k], k).toBeUndefined();
    expect(await parse(statusCommand, status ?? [])).toMatchObject({
      job: 'j7',
      json: true,
      cluster: 'render-farm',
    });
    expect(await parse(viewerCommand, viewer ?? [])).toMatchObject({
      job: 'j7',
      cluster: 'render-farm',
    });
    expect(await parse(depsCommand, deps ?? [])).toMatchObject({
      scene: '/p/shot.blend',
      json: true,
    });
  });

  it("say the CLI's error word for word, and a job's progress in its unit", () => {
    const [err, progress, problem] = fromPython([
      [
        'error_text',
        'warning: slow\nerror: the scene needs 1 file(s) that are missing:\n  image "a": //a.png\n',
        '',
        2,
      ],
      [
        'progress_text',
        { id: 'j3', state: 'running', progress: { done: 2, total: 5, failed: 1 }, unit: 'frames' },
      ],
      ['check_settings', { ...base, kind: 'STILL', tiles: '4' }],
    ]);
    expect(err).toBe('the scene needs 1 file(s) that are missing:\n  image "a": //a.png');
    expect(progress).toBe('j3: running 2/5 frames, 1 failed');
    expect(problem).toBe("Tiles must be columns x rows, e.g. 4x4 (got '4')");
  });
});
