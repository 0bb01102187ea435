import { z } from 'zod';
import { renderOverridesSchema } from '../../renderers/blender/overrides.js';
import type { TaskRow } from '../store/types.js';
import type { WarmUp } from './job-type.js';

/** What a Blender runner loads before its first task: the scene, configured with the overrides. */
export const blenderWarmUpPayload = z.object({
  scene: z.string().min(1),
  overrides: renderOverridesSchema.optional(),
});

/**
 * The warm-up of every Blender job kind: the scene (and overrides) of the task given, so that an
 * agent's Blender starts and loads it while the agent registers and leases (about a second).
 */
export function blenderWarmUp(task: Pick<TaskRow, 'kind' | 'payload'>): WarmUp | undefined {
  const p = blenderWarmUpPayload.safeParse(task.payload);
  return p.success ? { kind: task.kind, payload: p.data } : undefined;
}
