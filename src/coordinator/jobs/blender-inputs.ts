import { UsageError } from '../../errors.js';
import { describeDependency, type SceneDependency } from '../../renderers/blender/dependencies.js';
import { denoiserName, DENOISER_CHOICES } from '../../renderers/blender/denoiser.js';
import { isWithin, SHARED_ROOTS_FILE } from '../../renderers/blender/output-root.js';
import type { RenderOverrides } from '../../renderers/blender/overrides.js';
import type { SceneInfo } from '../../renderers/blender/protocol.js';
import type { FileProbe } from '../../util/file-probe.js';
import { EEVEE_ENGINES, savedByNewer } from '../../renderers/blender/engines.js';
import type { PlanLimits } from './job-type.js';
import { sharedFor } from './shared-roots.js';

/**
 * What a Blender job's scene needs from outside itself, decided before any task: every file it
 * reads is there (else the frames render magenta, in silence) and on a file system the compute
 * nodes share, and a denoiser the nodes' Blender lacks is not asked for (the render would fail);
 * its render engine is one the nodes can run, and a file from a newer Blender is pointed out.
 * Decided from the facts the probe sent (`sceneInfo.dependencies`, `sceneInfo.denoising`), so a
 * request from a script gets the same rule; a request without them is not checked.
 */

const SHOWN = 10;

function listed(deps: readonly SceneDependency[]): string {
  const lines = deps.slice(0, SHOWN).map((d) => `\n  ${describeDependency(d)}`);
  const more = deps.length > SHOWN ? `\n  … and ${deps.length - SHOWN} more` : '';
  return lines.join('') + more;
}

/** Refuses missing files (unless `allowMissing`) and files the nodes cannot see; returns warnings. */
export function checkDependencies(
  info: SceneInfo | undefined,
  allowMissing: boolean,
  files: FileProbe,
): string[] {
  const deps = info?.dependencies ?? [];
  const shared = sharedFor(files);
  if (!shared.any) {
    const outside = deps.filter((d) => !shared.roots.some((r) => isWithin(d.file, r)));
    if (outside.length)
      throw new UsageError(
        `the scene reads ${outside.length} file(s) the compute nodes cannot see (shared: ` +
          `${shared.roots.join(', ') || 'none found'}, from ${shared.source}):${listed(outside)}\n` +
          'move them under a shared directory and relink them in Blender (File › External Data), ' +
          `or list their mount in ${SHARED_ROOTS_FILE}`,
      );
  }
  return checkMissing(deps, allowMissing);
}

/**
 * Refuses missing files (unless `allowMissing`), naming each; returns the warning to record.
 * Also asked on a laptop before `--cluster` uploads anything (staging/stage-shot.ts).
 */
export function checkMissing(deps: readonly SceneDependency[], allowMissing: boolean): string[] {
  const missing = deps.filter((d) => !d.exists);
  if (!missing.length) return [];
  if (!allowMissing)
    throw new UsageError(
      `the scene needs ${missing.length} file(s) that are missing:${listed(missing)}\n` +
        'put them back (or relink them in Blender: File › External Data › Find Missing Files), ' +
        'or submit with --allow-missing to render without them',
    );
  return [
    `rendering without ${missing.length} missing file(s) (--allow-missing): ` +
      missing.map(describeDependency).join('; '),
  ];
}

/** Refuses a scene that denoises with a denoiser the nodes' Blender lacks, unless one is chosen. */
export function checkDenoising(info: SceneInfo | undefined, overrides: RenderOverrides): void {
  const d = info?.denoising;
  if (!d || !d.asked.length || overrides.denoiser !== undefined) return;
  const denoiser = d.denoiser ?? 'OPENIMAGEDENOISE';
  if (d.available.includes(denoiser)) return;
  throw new UsageError(
    `the scene renders with denoising on (${d.asked.join(', ')}) by ${denoiserName(denoiser)}, ` +
      `which the cluster's Blender lacks (it has ${d.available.map(denoiserName).join(', ') || 'no denoiser'}); ` +
      `choose --denoiser ${DENOISER_CHOICES.join('|')} (none renders without denoising)`,
  );
}

/**
 * What the scene's render engine and file version ask of the nodes: an engine an add-on provides
 * that the nodes' Blender lacks is refused (Blender would render with another, in silence), so
 * is Eevee on a partition whose nodes have no GPU (Eevee draws through OpenGL, which a node
 * without a GPU lacks or emulates at a crawl; Slurm's GRES is what the coordinator knows of the
 * nodes, the local cluster's included). A file saved by a newer Blender is a warning: it often
 * renders, but what the newer version added is lost. Returns the warnings.
 */
export function checkEngine(
  info: SceneInfo | undefined,
  limits?: Pick<PlanLimits, 'nodeGpus'>,
): string[] {
  if (!info) return [];
  const blender = info.blender_version ? `Blender ${info.blender_version}` : 'Blender';
  if (info.engine_missing)
    throw new UsageError(
      `the scene renders with ${info.engine_missing}, a render engine the cluster's ${blender} ` +
        `lacks (an add-on provides it; without it Blender would render with ${info.engine} ` +
        'instead); install and enable that add-on on the nodes, or switch the scene to Cycles ' +
        '(Render Properties › Render Engine)',
    );
  if (EEVEE_ENGINES.includes(info.engine) && limits?.nodeGpus === 0)
    throw new UsageError(
      `the scene renders with Eevee (${info.engine}), which needs a GPU with OpenGL on each ` +
        "node; this partition's nodes have none (Slurm lists no gpu GRES on them); switch the " +
        'scene to Cycles (Render Properties › Render Engine), which renders on CPUs, or submit ' +
        'to a partition with GPUs',
    );
  if (info.saved_by && info.blender_version && savedByNewer(info.saved_by, info.blender_version))
    return [
      `the scene was saved by Blender ${info.saved_by}, newer than the nodes' Blender ` +
        `${info.blender_version}: what ${info.saved_by} added may render wrong or not at all; ` +
        `save it from Blender ${info.blender_version.replace(/^(\d+\.\d+).*/, '$1')} or ` +
        `install Blender ${info.saved_by} or later on the nodes`,
    ];
  return [];
}
