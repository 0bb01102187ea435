/**
 * Parsers for `squeue --json` and `sinfo --json`. Slurm 22.05 (OpenAPI v0.0.38) prints plain
 * numbers and lower-case state strings; the releases ParallelCluster 3 ships (23.x, 24.x) wrap
 * numbers as `{set, infinite, number}` and print states as arrays of upper-case flags. Both
 * shapes map to the same types here. One file, over 8 KB: both commands' parsers share those
 * number and state readers.
 */
import { expandHostlist } from './hostlist.js';

/** One Slurm job as the tool needs it. */
export interface SlurmJob {
  jobId: number;
  name: string;
  /**
   * Base state, upper case: PENDING, CONFIGURING (its nodes boot), RUNNING, COMPLETING,
   * COMPLETED, CANCELLED, FAILED, ...
   */
  state: string;
  /** Why a job pends (Slurm's `Reason`), `Configuring` while its nodes boot, or `None`. */
  reason: string;
  /** Host list as Slurm prints it, e.g. `node[1-4]`; empty while pending. */
  nodeList: string;
  nodes: string[];
  nodeCount: number;
  comment: string;
  partition: string;
  batchHost: string;
  /** Minutes, undefined when unlimited. */
  timeLimitMinutes: number | undefined;
  /** Unix seconds, undefined when not started. */
  startTime: number | undefined;
}

/** One Slurm node. */
export interface SlurmNode {
  name: string;
  /** Base state, lower case: idle, allocated, mixed, down, completing, future, unknown. */
  state: string;
  /** Extra flags, upper case: DRAIN, POWERED_DOWN, POWERING_UP, NOT_RESPONDING, ... */
  flags: string[];
  partitions: string[];
  cpus: number;
  allocCpus: number;
  gpus: number;
  gpusUsed: number;
  reason: string;
}

type Json = Record<string, unknown>;

/** A number printed either plainly or as `{set, infinite, number}`; undefined if unset/infinite. */
export function slurmNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object') {
    const v = value as { set?: boolean; infinite?: boolean; number?: unknown };
    if (v.infinite === true || v.set === false) return undefined;
    return typeof v.number === 'number' ? v.number : undefined;
  }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function states(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  if (typeof value === 'string' && value !== '') return [value];
  return [];
}

const NODE_BASE_STATES = [
  'IDLE',
  'ALLOCATED',
  'MIXED',
  'DOWN',
  'ERROR',
  'FUTURE',
  'UNKNOWN',
  'COMPLETING',
];

/** Sum of the GPU counts in a GRES string such as `gpu:4(IDX:0-3)` or `tmpsize:7T,gpu:l40s:4(S:0-1)`. */
export function gpuCount(gres: string): number {
  let total = 0;
  for (const entry of gres.replace(/\([^)]*\)/g, '').split(',')) {
    const fields = entry.trim().split(':');
    if (fields[0] !== 'gpu' && fields[0] !== 'gres/gpu') continue;
    const n = Number(fields[fields.length - 1]);
    if (Number.isFinite(n)) total += n;
  }
  return total;
}

function parseJsonDocument(text: string, what: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${what} did not print JSON: ${text.slice(0, 200)}`);
  }
  if (!doc || typeof doc !== 'object')
    throw new Error(`${what} printed JSON that is not an object`);
  const errors = (doc as Json).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    throw new Error(`${what} reported: ${JSON.stringify(errors).slice(0, 300)}`);
  }
  return doc as Json;
}

/** Parses `squeue --json` from any supported Slurm release. */
export function parseSqueueJson(text: string): SlurmJob[] {
  const doc = parseJsonDocument(text, 'squeue --json');
  const jobs = Array.isArray(doc.jobs) ? (doc.jobs as Json[]) : [];
  return jobs.map((j) => {
    const nodeList = str(j.nodes);
    const nodes = nodeList ? expandHostlist(nodeList) : [];
    const jobState = states(j.job_state).map((s) => s.toUpperCase());
    // 22.05 prints a job whose nodes boot as CONFIGURING; 23.x+ as RUNNING with that flag. Both
    // read CONFIGURING here, and Slurm gives it no reason: it is named, so that it can be told.
    const booting = jobState.includes('CONFIGURING');
    const reason = str(j.state_reason) || 'None';
    return {
      jobId: slurmNumber(j.job_id) ?? 0,
      name: str(j.name),
      state: booting ? 'CONFIGURING' : (jobState[0] ?? 'UNKNOWN'),
      reason: booting && reason === 'None' ? 'Configuring' : reason,
      nodeList,
      nodes,
      nodeCount: slurmNumber(j.node_count) ?? nodes.length,
      comment: str(j.comment),
      partition: str(j.partition),
      batchHost: str(j.batch_host),
      timeLimitMinutes: slurmNumber(j.time_limit),
      startTime: (slurmNumber(j.start_time) ?? 0) > 0 ? slurmNumber(j.start_time) : undefined,
    };
  });
}

/**
 * Parses `sinfo --json` (22.05: a `nodes` array; 23.x+: a `sinfo` array, one entry per partition
 * and group of like nodes).
 */
export function parseSinfoJson(text: string): SlurmNode[] {
  const doc = parseJsonDocument(text, 'sinfo --json');
  const byName = new Map<string, SlurmNode>();
  if (Array.isArray(doc.nodes)) {
    for (const n of doc.nodes as Json[]) {
      const flags = states(n.state).map((s) => s.toUpperCase());
      const base = flags.find((s) => NODE_BASE_STATES.includes(s)) ?? flags[0] ?? 'UNKNOWN';
      const extra = states(n.state_flags).map((s) => s.toUpperCase());
      byName.set(str(n.name), {
        name: str(n.name),
        state: base.toLowerCase(),
        flags: [...flags.filter((s) => s !== base), ...extra],
        partitions: states(n.partitions),
        cpus: slurmNumber(n.cpus) ?? 0,
        allocCpus: slurmNumber(n.alloc_cpus) ?? 0,
        gpus: gpuCount(str(n.gres)),
        gpusUsed: gpuCount(str(n.gres_used)),
        reason: str(n.reason),
      });
    }
  } else if (Array.isArray(doc.sinfo)) {
    for (const entry of doc.sinfo as Json[]) {
      const nodeInfo = (entry.node ?? {}) as Json;
      const flags = states(nodeInfo.state).map((s) => s.toUpperCase());
      const base = flags.find((s) => NODE_BASE_STATES.includes(s)) ?? 'UNKNOWN';
      const cpus = (entry.cpus ?? {}) as Json;
      const gres = (entry.gres ?? {}) as Json;
      const partition = str(((entry.partition ?? {}) as Json).name);
      const names = states(((entry.nodes ?? {}) as Json).nodes).flatMap(expandHostlist);
      // One entry covers every node alike in state and use (24.11 prints node[2-3] as one), and
      // its CPU counts are the sums over them.
      const perNode = (n: unknown) => Math.round((slurmNumber(n) ?? 0) / Math.max(1, names.length));
      for (const name of names) {
        const known = byName.get(name);
        if (known) {
          if (partition && !known.partitions.includes(partition)) known.partitions.push(partition);
          continue;
        }
        byName.set(name, {
          name,
          state: base.toLowerCase(),
          flags: flags.filter((s) => s !== base),
          partitions: partition ? [partition] : [],
          cpus: perNode(cpus.total),
          allocCpus: perNode(cpus.allocated),
          gpus: gpuCount(str(gres.total)),
          gpusUsed: gpuCount(str(gres.used)),
          reason:
            typeof entry.reason === 'string'
              ? entry.reason
              : str((entry.reason as Json | undefined)?.description),
        });
      }
    }
  } else {
    throw new Error('sinfo --json printed neither "nodes" nor "sinfo"');
  }
  return [...byName.values()].sort((a, b) =>
    a.name.localeCompare(b.name, undefined, { numeric: true }),
  );
}

/** Parses `scontrol show ... -o` output: one record a line of `Key=Value` pairs. */
export function parseScontrolRecords(text: string): Record<string, string>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record: Record<string, string> = {};
      // Values may hold spaces (Comment=, Command=), so split on " Key=" where Key looks like a key.
      const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_/:.]*)=/g;
      const marks: { key: string; start: number; valueStart: number }[] = [];
      for (let m = re.exec(line); m; m = re.exec(line)) {
        marks.push({ key: m[1] ?? '', start: m.index, valueStart: m.index + m[0].length });
      }
      marks.forEach((mark, i) => {
        const end = i + 1 < marks.length ? (marks[i + 1]?.start ?? line.length) : line.length;
        record[mark.key] = line.slice(mark.valueStart, end).trim();
      });
      return record;
    });
}

const ACTIVE_JOB_STATES = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'RESIZING',
  'STAGE_OUT',
  'SIGNALING',
]);

/** True while a job holds or waits for nodes (finished jobs linger in squeue for MinJobAge). */
export function isJobActive(job: Pick<SlurmJob, 'state'>): boolean {
  return ACTIVE_JOB_STATES.has(job.state);
}
