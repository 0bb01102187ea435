import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlenderStillSubmitRequest, BlenderSubmitRequest } from '../../../src/api/types.js';
import { checkEngine } from '../../../src/coordinator/jobs/blender-inputs.js';
import { planJob } from '../../../src/coordinator/jobs/registry.js';
import type { SceneDependency } from '../../../src/renderers/blender/dependencies.js';
import { SHARED_ROOTS_FILE } from '../../../src/renderers/blender/output-root.js';
import { toWorkerOverrides } from '../../../src/renderers/blender/overrides.js';
import type { FileProbe } from '../../../src/util/file-probe.js';
import { nodeFiles } from '../../../src/util/node-files.js';
import { sceneInfo } from '../../renderers/blender/scene-fixture.js';

const root = mkdtempSync(path.join(tmpdir(), 'blender-inputs-'));
const shared = path.join(root, 'shared');
const scene = path.join(shared, 'shot.blend');
mkdirSync(shared);
writeFileSync(scene, 'not read by the planner');
const jobDir = path.join(root, 'state', 'jobs', 'j7');
const dirs = { id: 'j7', dir: jobDir, outputDir: path.join(jobDir, 'output') };

/** This machine's files, on a site whose shared-roots file lists `roots` (none: no such file). */
function site(roots?: string[]): FileProbe {
  return {
    ...nodeFiles,
    isFile: (p) => (p === SHARED_ROOTS_FILE ? roots !== undefined : nodeFiles.isFile(p)),
    readText: (p) => (p === SHARED_ROOTS_FILE ? (roots ?? []).join('\n') : nodeFiles.readText(p)),
  };
}

const dep = (name: string, file: string, exists = true): SceneDependency => ({
  type: 'image',
  name,
  library: null,
  path: `//tex/${path.basename(file)}`,
  file,
  exists,
  size: exists ? 97 : null,
});

const checker = dep('checker', path.join(shared, 'tex', 'checker.png'));
const gone = dep('wood', path.join(shared, 'tex', 'wood.png'), false);
const NO_DENOISING = { asked: [], denoiser: null, available: [] };

const render = (extra: Partial<BlenderSubmitRequest>, files: FileProbe = site()) =>
  planJob(
    {
      kind: 'blender',
      scene,
      nodes: 1,
      frames: '1',
      ...extra,
      sceneInfo: sceneInfo({
        dependencies: [checker],
        denoising: NO_DENOISING,
        ...extra.sceneInfo,
      }),
    },
    { limits: { partitionNodes: 4, maxGpusPerNode: 4 }, dirs, files },
  );
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe("a scene's files at submit", () => {
  it('refuses a missing file naming its data-block and path, unless allowMissing (then the history names it)', () => {
    const missing = sceneInfo({ dependencies: [checker, gone], denoising: NO_DENOISING });
    expect(refusal(() => render({ sceneInfo: missing }))).toBe(
      'the scene needs 1 file(s) that are missing:\n' +
        `  image "wood": //tex/wood.png → ${gone.file}\n` +
        'put them back (or relink them in Blender: File › External Data › Find Missing Files), ' +
        'or submit with --allow-missing to render without them',
    );
    const plan = render({ sceneInfo: missing, allowMissing: true });
    expect(plan.warnings).toEqual([
      `rendering without 1 missing file(s) (--allow-missing): image "wood": //tex/wood.png → ${gone.file}`,
    ]);
    expect(refusal(() => render({ allowMissing: 'yes' as never }))).toBe(
      'allowMissing: true or false',
    );
  });

  it('refuses a still with a missing file too', () => {
    const req: BlenderStillSubmitRequest = {
      kind: 'blender-still',
      scene,
      nodes: 1,
      tiles: '2x2',
      sceneInfo: sceneInfo({ dependencies: [gone] }),
    };
    const plan = () =>
      planJob(req, { limits: { partitionNodes: 4, maxGpusPerNode: 4 }, dirs, files: site() });
    expect(refusal(plan)).toMatch(
      /^the scene needs 1 file\(s\) that are missing:\n {2}image "wood"/,
    );
  });

  it('refuses files the compute nodes cannot see, naming the path to move', () => {
    const outside = dep('abs', '/opt/textures/abs.png');
    const info = sceneInfo({ dependencies: [checker, outside], denoising: NO_DENOISING });
    expect(refusal(() => render({ sceneInfo: info }, site([shared])))).toBe(
      `the scene reads 1 file(s) the compute nodes cannot see (shared: ${shared}, from ` +
        `${SHARED_ROOTS_FILE}):\n  image "abs": //tex/abs.png → /opt/textures/abs.png\n` +
        'move them under a shared directory and relink them in Blender (File › External Data), ' +
        `or list their mount in ${SHARED_ROOTS_FILE}`,
    );
    expect(render({ sceneInfo: info }, site([shared, '/opt'])).tasks.length).toBeGreaterThan(0);
  });

  it('plans a new --output under a shared root for the submission to create, and refuses one outside', () => {
    const fresh = path.join(shared, 'renders', 'shot1');
    expect(render({ outputDir: fresh }, site([shared])).outputDir).toBe(fresh);
    mkdirSync(path.join(root, 'private'));
    expect(
      refusal(() => render({ outputDir: path.join(root, 'private', 'out') }, site([shared]))),
    ).toMatch(/out is not on a file system the compute nodes share/);
  });

  it('checks nothing of a request without the probe (a script may send none)', () => {
    const plan = planJob(
      { kind: 'blender', scene, nodes: 1, frames: '1' },
      { limits: { partitionNodes: 4, maxGpusPerNode: 4 }, dirs, files: site([shared]) },
    );
    expect(plan.tasks.length).toBeGreaterThan(0);
  });
});

describe('denoising at submit', () => {
  const asked = { asked: ['scene', 'view_layer:ViewLayer'], denoiser: 'OPENIMAGEDENOISE' };
  const debian = sceneInfo({ denoising: { ...asked, available: [] } });

  it("refuses a scene that denoises with a denoiser the nodes' Blender lacks, naming --denoiser", () => {
    expect(refusal(() => render({ sceneInfo: debian }))).toBe(
      'the scene renders with denoising on (scene, view_layer:ViewLayer) by OpenImageDenoise, ' +
        "which the cluster's Blender lacks (it has no denoiser); choose --denoiser " +
        'none|openimagedenoise|optix (none renders without denoising)',
    );
  });

  it("renders without it when --denoiser none, and with the scene's own when the Blender has it", () => {
    const plan = render({ sceneInfo: debian, overrides: { denoiser: 'none' } });
    expect(plan.tasks[0]?.payload).toMatchObject({ overrides: { denoiser: 'none' } });
    expect(toWorkerOverrides({ denoiser: 'none' })).toEqual({ denoiser: 'none' });
    expect(toWorkerOverrides({ denoiser: 'optix' })).toEqual({ denoiser: 'OPTIX' });
    const gpu = sceneInfo({ denoising: { ...asked, available: ['OPENIMAGEDENOISE', 'OPTIX'] } });
    expect(render({ sceneInfo: gpu }).tasks.length).toBeGreaterThan(0);
    expect(render({ sceneInfo: gpu, overrides: { denoiser: 'optix' } }).tasks.length).toBe(1 + 1);
  });

  it('refuses a denoiser the Blender lacks, one that is no denoiser, and one for another engine', () => {
    expect(refusal(() => render({ sceneInfo: debian, overrides: { denoiser: 'optix' } }))).toBe(
      "denoiser optix: the cluster's Blender was built without OptiX (it has no denoiser); use --denoiser none",
    );
    expect(refusal(() => render({ overrides: { denoiser: 'fast' } }))).toBe(
      'denoiser "fast": use none, openimagedenoise, optix',
    );
    const eevee = sceneInfo({ engine: 'BLENDER_EEVEE', denoising: NO_DENOISING });
    expect(
      refusal(() => render({ sceneInfo: eevee, overrides: { denoiser: 'openimagedenoise' } })),
    ).toBe('denoiser openimagedenoise: only Cycles denoises (the scene uses BLENDER_EEVEE)');
  });
});

describe('denoising of a dataset at submit', () => {
  const asked = { asked: ['scene'], denoiser: 'OPENIMAGEDENOISE' };
  const debian = sceneInfo({ denoising: { ...asked, available: [] } });
  const dataset = (extra: Record<string, unknown>) =>
    planJob(
      { kind: 'blender-dataset', scene, nodes: 1, views: 4, viewsPerTask: 2, ...extra },
      { limits: { partitionNodes: 4, maxGpusPerNode: 4 }, dirs, files: site() },
    );

  it('refuses it as `submit blender` does, and renders with --denoiser none', () => {
    expect(refusal(() => dataset({ sceneInfo: debian }))).toMatch(
      /^the scene renders with denoising on \(scene\) by OpenImageDenoise, which the cluster's Blender lacks .*choose --denoiser none\|openimagedenoise\|optix/,
    );
    const plan = dataset({ sceneInfo: debian, denoiser: 'none' });
    expect(
      plan.tasks.every((t) => (t.payload.overrides as { denoiser?: string }).denoiser === 'none'),
    ).toBe(true);
    expect(refusal(() => dataset({ sceneInfo: debian, denoiser: 'optix' }))).toMatch(
      /built without OptiX/,
    );
    expect(refusal(() => dataset({ denoiser: 'fast' }))).toBe(
      'denoiser "fast": use none, openimagedenoise, optix',
    );
    // No denoiser asked: the payload carries no overrides, as before.
    expect(
      dataset({ sceneInfo: sceneInfo({ denoising: NO_DENOISING }) }).tasks[0]?.payload.overrides,
    ).toBeUndefined();
  });
});

describe("what the scene's engine and file version ask of the nodes", () => {
  const plan = (info: Parameters<typeof sceneInfo>[0], nodeGpus?: number) =>
    planJob(
      {
        kind: 'blender',
        scene,
        nodes: 1,
        frames: '1',
        sceneInfo: sceneInfo({ denoising: NO_DENOISING, ...info }),
      },
      { limits: { partitionNodes: 4, maxGpusPerNode: 4, nodeGpus }, dirs, files: site() },
    );

  it("refuses an engine an add-on provides that the nodes' Blender lacks, naming it", () => {
    const missing = {
      engine: 'BLENDER_EEVEE',
      engine_missing: 'LUXCORE',
      blender_version: '3.4.1',
    };
    expect(refusal(() => plan(missing))).toBe(
      "the scene renders with LUXCORE, a render engine the cluster's Blender 3.4.1 lacks (an " +
        'add-on provides it; without it Blender would render with BLENDER_EEVEE instead); ' +
        'install and enable that add-on on the nodes, or switch the scene to Cycles (Render ' +
        'Properties › Render Engine)',
    );
    expect(checkEngine(sceneInfo({ engine_missing: null }))).toEqual([]);
  });

  it('refuses Eevee on a partition whose nodes have no GPU in Slurm, and lets it run where they have one', () => {
    for (const engine of ['BLENDER_EEVEE', 'BLENDER_EEVEE_NEXT'])
      expect(refusal(() => plan({ engine }, 0))).toMatch(
        new RegExp(
          `^the scene renders with Eevee \\(${engine}\\), which needs a GPU .*switch the scene to Cycles`,
        ),
      );
    expect(plan({ engine: 'BLENDER_EEVEE' }, 2).tasks.length).toBeGreaterThan(0);
    // Not known (a dry run told the shape): not refused.
    expect(plan({ engine: 'BLENDER_EEVEE' }).tasks.length).toBeGreaterThan(0);
    expect(plan({ engine: 'CYCLES' }, 0).tasks.length).toBeGreaterThan(0);
  });

  it('warns of a file saved by a newer Blender, with both versions', () => {
    const warned = plan({ saved_by: '4.3', blender_version: '3.4.1' });
    expect(warned.warnings).toContain(
      "the scene was saved by Blender 4.3, newer than the nodes' Blender 3.4.1: what 4.3 added " +
        'may render wrong or not at all; save it from Blender 3.4 or install Blender 4.3 or ' +
        'later on the nodes',
    );
    for (const [saved, nodes] of [
      ['3.4', '3.4.1'],
      ['3.3', '3.4.1'],
      ['4.2', '4.10.0'],
    ])
      expect(checkEngine(sceneInfo({ saved_by: saved, blender_version: nodes }))).toEqual([]);
    expect(checkEngine(sceneInfo({ saved_by: '4.10', blender_version: '4.3.2' }))).toHaveLength(1);
    expect(checkEngine(sceneInfo({ saved_by: '5.0', blender_version: '4.3.2' }))).toHaveLength(1);
  });
});
