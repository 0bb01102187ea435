import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { NodeRuntimeSchema } from './os-support.js';
import { UsageError } from '../errors.js';
import { packagePath } from '../paths.js';
import { CapacityTypeSchema, ComputeResourceSpecSchema, OsSchema } from './spec.js';

/** A preset file under cluster-config/presets: everything but the account-specific values. */
export const PresetSchema = z
  .object({
    description: z.string(),
    recommendedFormat: z.enum(['v3', 'v2']),
    requiresCustomAmi: z.boolean(),
    os: OsSchema,
    /** The Node.js build for an AMI whose OS is fixed and too old for the official one. */
    nodeRuntime: NodeRuntimeSchema.optional(),
    headNode: z.object({ instanceType: z.string() }).strict(),
    queues: z
      .array(
        z
          .object({
            name: z.string(),
            capacityType: CapacityTypeSchema,
            computeResources: z.array(ComputeResourceSpecSchema.strict()).min(1),
          })
          .strict(),
      )
      .min(1),
    storage: z.discriminatedUnion('type', [
      z.object({ type: z.literal('ebs'), sizeGiB: z.number().int().min(1) }).strict(),
      z.object({ type: z.literal('fsx'), fileSystemId: z.string() }).strict(),
    ]),
  })
  .strict();

export type Preset = z.infer<typeof PresetSchema> & { name: string };

const PRESET_DIR = ['cluster-config', 'presets'];

/** Names of the presets shipped with the package. */
export function listPresets(): string[] {
  return readdirSync(packagePath(...PRESET_DIR))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

// The files ship with the package and do not change while it runs; the rules ask for them often.
const loaded = new Map<string, Preset>();

/** Loads and validates a preset; an unknown name is a UsageError that lists the known ones. */
export function loadPreset(name: string): Preset {
  const cached = loaded.get(name);
  if (cached) return structuredClone(cached);
  const file = packagePath(...PRESET_DIR, `${name}.yaml`);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(file)) {
    throw new UsageError(`unknown preset "${name}"; choose one of: ${listPresets().join(', ')}`);
  }
  const parsed = PresetSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    // A broken preset is our bug, but say where it is.
    throw new Error(`preset ${file} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const preset = { ...parsed.data, name };
  loaded.set(name, preset);
  return structuredClone(preset);
}
