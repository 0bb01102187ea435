import path from 'node:path';
import { UsageError } from '../../errors.js';
import { MAX_FRAME_NUMBER } from '../../renderers/blender/frames.js';
import { outputFileName } from '../../renderers/blender/output-pattern.js';
import { tilePreviewName } from '../../renderers/blender/tile-preview.js';
import {
  mergeTaskPayloadSchema,
  stillTiles,
  tileTaskPayloadSchema,
} from '../../renderers/blender/still.js';
import {
  DEFAULT_TILE_OVERLAP,
  parseTiles,
  planTiles,
  tileFileName,
} from '../../renderers/blender/tiles.js';
import type { BlenderStillPlanned, RequestOf } from '../../api/types.js';
import type { NewTask } from '../store/types.js';
import { describeOverrides, planBlenderOutput, servedName, underRoot } from './blender-output.js';
import { checkCommonFields, wholeNumber } from './common-fields.js';
import type { JobType, PlanEvent } from './job-type.js';
import { blenderWarmUp } from './blender-warm-up.js';

/** What a `blender-tile` task carries (declared with the tile plan in renderers/blender/still.ts). */
export const blenderTilePayload = tileTaskPayloadSchema;
/** What the `blender-merge` task carries. */
export const blenderMergePayload = mergeTaskPayloadSchema;

/**
 * One heavy frame as a tiled still (`kind: 'blender-still'`): a `tiles` stage of one task per
 * tile, spread over every GPU, then a `merge` stage that stitches the tiles into one image the
 * size of a single render, in the job's format. Needs the scene's probe (`sceneInfo`) for the
 * image size. Progress counts tiles (tasks).
 */
export const blenderStillJob: JobType<'blender-still'> = {
  kind: 'blender-still',
  mainStage: 'tiles',
  progressUnit: 'tasks',
  allocation: 'per-node',
  panels: ['still', 'tasks'],
  payloads: { 'blender-tile': blenderTilePayload, 'blender-merge': blenderMergePayload },
  warmUp: blenderWarmUp,

  /**
   * A tile task by where its tile sits, `tile C,R` (column, row, the bottom row 0: as its file
   * `tile_rR_cC.exr`), so a failed one can be told apart; the merge task `merge`.
   */
  taskName({ kind, payload }) {
    if (kind === 'blender-merge') return 'merge';
    const { tiles, columns } = payload as { tiles?: unknown; columns?: unknown };
    if (!Array.isArray(tiles) || typeof columns !== 'number' || columns < 1) return undefined;
    const at = tiles.map((i) => `${Number(i) % columns},${Math.floor(Number(i) / columns)}`);
    return `${at.length === 1 ? 'tile' : 'tiles'} ${at.join(' ')}`;
  },

  /** Each tile's float EXR, and the still in the job's format. */
  outputsOf(task) {
    if (task.kind === 'blender-merge') {
      const m = blenderMergePayload.parse(task.payload);
      const ext = path.extname(m.output).toLowerCase();
      const format =
        ext === '.exr' ? 'OPEN_EXR' : ext === '.jpg' || ext === '.jpeg' ? 'JPEG' : 'PNG';
      return [{ kind: 'image', format, path: m.output }];
    }
    const t = blenderTilePayload.parse(task.payload);
    const tiles = stillTiles(t);
    return t.tiles.flatMap((i) => {
      const tile = tiles[i];
      return tile
        ? [
            {
              kind: 'image' as const,
              format: 'OPEN_EXR' as const,
              path: path.join(t.tilesDir, tileFileName(t.frame, tile)),
            },
          ]
        : [];
    });
  },

  /** The tiles where the merged image shows them (y down), each with its task and preview. */
  still(job, tasks) {
    const planned = (job.spec as RequestOf<'blender-still'>).planned;
    if (!planned) return undefined;
    const [width, height] = planned.resolution;
    const grid = planTiles(width, height, planned, planned.overlap);
    const tiles = tasks.flatMap((task) => {
      if (task.kind !== 'blender-tile') return [];
      const payload = blenderTilePayload.safeParse(task.payload).data;
      const index = payload?.tiles[0];
      const tile = index === undefined ? undefined : grid[index];
      if (!payload || index === undefined || !tile) return [];
      const core = tile.core;
      const size = { width: core.x1 - core.x0, height: core.y1 - core.y0 };
      const exr = path.join(payload.tilesDir, tileFileName(payload.frame, tile));
      const preview = tilePreviewName(job.dir, exr);
      return [{ index, taskId: task.id, x: core.x0, y: height - core.y1, ...size, preview }];
    });
    const merge = tasks.find((t) => t.kind === 'blender-merge');
    return {
      frame: planned.frame,
      width,
      height,
      file: planned.file,
      mergeTaskId: merge?.id ?? null,
      tiles: tiles.sort((a, b) => a.index - b.index),
    };
  },

  plan(req, { limits, dirs, files }) {
    const out = planBlenderOutput(req, { dirs, files, limits });
    const { nodes, gpusPerNode, timeLimitMinutes } = checkCommonFields(req, limits);
    if (!out.info || !out.resolution)
      throw new UsageError(
        'sceneInfo: a tiled still needs the probe of its scene (its image size); ' +
          '`cluster-tool submit blender-still` sends it',
      );
    if (out.format === 'OPEN_EXR_MULTILAYER')
      throw new UsageError(
        'tiles: OPEN_EXR_MULTILAYER cannot be tiled (the merge stitches the combined image ' +
          'only); use OPEN_EXR, or render the frame whole with `submit blender --frames N`',
      );
    const grid = parseTiles(req.tiles);
    const overlap = wholeNumber('overlap', req.overlap ?? DEFAULT_TILE_OVERLAP, 0, 256);
    const frame = wholeNumber('frame', req.frame ?? out.info.frame_start, 0, MAX_FRAME_NUMBER);
    const [width, height] = out.resolution;
    const tiles = planTiles(width, height, grid, overlap);
    const name = outputFileName(out.pattern, frame, out.format);
    const output = underRoot(out.root, name);
    if (!req.overwrite && files.isFile(output))
      throw new UsageError(
        `frame ${frame} is already in ${output}; give --overwrite to render it again`,
      );
    const geometry = {
      scene: out.scene,
      frame,
      width,
      height,
      columns: grid.columns,
      rows: grid.rows,
      overlap,
      tilesDir: path.join(dirs.dir, 'tiles'),
      ...(Object.keys(out.overrides).length ? { overrides: out.overrides } : {}),
    };
    const tileTasks: NewTask[] = tiles.map((t, seq) => ({
      stage: 'tiles',
      seq,
      kind: 'blender-tile',
      payload: { ...geometry, tiles: [t.index] },
      frames: [],
    }));
    const merge: NewTask = {
      stage: 'merge',
      seq: 0,
      kind: 'blender-merge',
      payload: { ...geometry, output, outputDir: out.root },
      frames: [],
    };
    const planned: BlenderStillPlanned = {
      frame,
      columns: grid.columns,
      rows: grid.rows,
      overlap,
      resolution: [width, height],
      format: out.format,
      file: servedName(name),
      pattern: out.pattern.raw,
      patternSource: out.pattern.source,
    };
    const events: PlanEvent[] = [
      {
        type: 'still:planned',
        message: `frame ${frame} at ${width}×${height} in ${tiles.length} tiles (${grid.columns}x${grid.rows}), merged into ${output}`,
        data: { ...planned },
      },
    ];
    if (Object.keys(out.overrides).length)
      events.push({
        type: 'render:overrides',
        message: `overrides: ${describeOverrides(out.overrides, out.resolution)}`,
        data: { overrides: out.overrides, resolution: out.resolution },
      });
    return {
      kind: 'blender-still',
      name: req.name ?? `${path.basename(out.scene)} frame ${frame}`,
      request: {
        ...req,
        scene: out.scene,
        frame,
        nodes,
        gpusPerNode,
        overlap,
        overrides: out.overrides,
        ...(req.outputDir !== undefined ? { outputDir: out.root } : {}),
        outputPattern: out.pattern.raw,
        timeLimitMinutes,
        planned,
      },
      nodes,
      gpusPerNode,
      outputDir: out.root,
      stages: [
        { name: 'tiles', seq: 0, state: 'ready' },
        { name: 'merge', seq: 1, state: 'waiting' },
      ],
      tasks: [...tileTasks, merge],
      summary: `frame ${frame} in ${tiles.length} tile task(s) and a merge on ${nodes} node(s)`,
      warnings: out.warnings,
      events,
    };
  },
};
