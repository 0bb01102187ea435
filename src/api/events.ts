import type { RenderOverrides } from '../renderers/blender/overrides.js';
import type { BlenderStillPlanned } from './requests/blender.js';

/**
 * How much an event of a job's history matters to its user. `detail`: routine (agents coming
 * and going, Slurm ending what it was told to end), folded away.
 */
export type EventLevel = 'detail' | 'info' | 'warning' | 'error';

/** An event that carries nothing but its message. */
type NoData = Record<string, never>;

/**
 * Every event the coordinator records in a job's history (`noun:verb`), with the `data` it
 * carries. The viewer and the CLI read some of it; the rest is there for whoever reads the
 * history as JSON.
 */
export interface EventData {
  'job:submitted': { tasks: number };
  /** Something the user should know before it runs (a plan's warning). */
  'job:warning': NoData;
  'job:succeeded': NoData;
  'job:failed': NoData;
  'job:cancelled': NoData;
  'job:retried': { tasks: number; frames?: number[] | null; taskId?: number };
  /** Outputs could not be written: the job waits and tries again. */
  'job:paused': { taskId: number; pauseMs: number };
  /** Its priority changed; its allocations waiting in Slurm were reordered. */
  'job:priority': { from: number; to: number; slurmJobIds: number[] };
  /** No task of it is leased; its nodes go back after the coordinator's grace. */
  'job:suspended': { graceSeconds: number };
  /** Its tasks are leased again; it grows back to the nodes it wanted. */
  'job:resumed': { suspendedSeconds: number };
  'results:written': NoData;
  'render:overrides': { overrides: RenderOverrides; resolution: [number, number] | null };
  'render:skipped': { frames: number[]; outputDir: string };
  /** Frame files in the output that were not whole: rendered again. */
  'render:not-whole': { files: { name: string; reason: string }[] };
  /** Partial files killed renders left in the output, removed at submit. */
  'render:partials-removed': { files: string[] };
  'still:planned': BlenderStillPlanned;
  'stage:planned': { tasks: number };
  'stage:started': NoData;
  'stage:done': NoData;
  'task:cancelled': { taskId: number };
  /** `final`: no attempt is left, the task stays failed. */
  'task:failed': { taskId: number; agentId: string; final: boolean };
  'task:requeued': { taskId: number };
  'task:retried-here': { taskId: number; agentId: string };
  'agent:refused': { node: string; gpu: string; slurmJobId: number; pid?: number };
  'agent:registered': { agentId: string };
  'agent:gone': { agentId: string };
  'agent:blocked': { agentId: string };
  /** The user cleared blocklisted agents: their failures are forgotten, the job may grow back. */
  'agent:cleared': { agentIds: string[] };
  'coordinator:resumed': { gapMs: number };
  'allocation:submitted': { slurmJobId: number; nodes: number; role: 'primary' | 'attached' };
  'allocation:adopted': { slurmJobId: number };
  'allocation:running': { slurmJobId: number; nodes: string[] };
  'allocation:requeued': { slurmJobId: number };
  'allocation:lost-nodes': { slurmJobId: number; lost: string[]; kept: string[] };
  'allocation:shrunk': { slurmJobId: number; keep: string[] };
  'allocation:ended': { slurmJobId: number };
  'session:ready': { url: string };
  'scale:auto': NoData;
  'scale:decision':
    | { from: number; to: number; estimateSeconds?: number; leftSeconds?: number }
    | { from: number; to: number; nodes: string[] }
    | { cancel: number };
  'scale:grow': { from: number; to: number };
  'scale:drain': { nodes: string[] };
  /** Nodes released, or an allocation still waiting in Slurm cancelled. */
  'scale:shrink': { nodes: string[] } | { slurmJobId: number };
  'scale:retry': { slurmJobId: number };
  'scale:failed': { slurmJobId: number; nodes: string[] };
  'scale:error': NoData;
  /** The job's end was told to a URL (`submit --notify`); `url` without its query. */
  'notify:delivered': { url: string; tries: number };
  /** A URL did not take the job's end; `final`: no try is left. */
  'notify:failed': { url: string; tries: number; final: boolean };
}

/** A history event's type. */
export type EventType = keyof EventData;

/**
 * Each event's level unless whoever records it knows better: an allocation ending or an agent
 * going is routine once the job ended, and a task failing is an error once no attempt is left.
 */
export const EVENT_LEVELS: { readonly [K in EventType]: EventLevel } = {
  'job:submitted': 'info',
  'job:warning': 'warning',
  'job:succeeded': 'info',
  'job:failed': 'error',
  'job:cancelled': 'info',
  'job:retried': 'info',
  'job:paused': 'warning',
  'job:priority': 'info',
  'job:suspended': 'info',
  'job:resumed': 'info',
  'results:written': 'info',
  'render:overrides': 'info',
  'render:skipped': 'info',
  'render:not-whole': 'info',
  'render:partials-removed': 'info',
  'still:planned': 'info',
  'stage:planned': 'info',
  'stage:started': 'info',
  'stage:done': 'info',
  'task:cancelled': 'info',
  'task:failed': 'warning',
  'task:requeued': 'warning',
  'task:retried-here': 'detail',
  'agent:refused': 'info',
  'agent:registered': 'detail',
  'agent:gone': 'warning',
  'agent:blocked': 'warning',
  'agent:cleared': 'info',
  'coordinator:resumed': 'info',
  'allocation:submitted': 'info',
  'allocation:adopted': 'info',
  'allocation:running': 'info',
  'allocation:requeued': 'info',
  'allocation:lost-nodes': 'info',
  'allocation:shrunk': 'info',
  'allocation:ended': 'warning',
  'session:ready': 'info',
  'scale:auto': 'info',
  'scale:decision': 'info',
  'scale:grow': 'info',
  'scale:drain': 'info',
  'scale:shrink': 'info',
  'scale:retry': 'info',
  'scale:failed': 'info',
  'scale:error': 'error',
  'notify:delivered': 'detail',
  'notify:failed': 'warning',
};

/** What recording an event of one of the types `K` says: its type, message and data. */
export type EventRecord<K extends EventType = EventType> = {
  [T in K]: { type: T; message: string; data: EventData[T] };
}[K];
