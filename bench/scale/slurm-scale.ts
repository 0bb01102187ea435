import { readFileSync } from 'node:fs';
import { packagePath } from '../../src/paths.js';
import { parseSinfoJson, parseSqueueJson } from '../../src/slurm/json.js';

/** The cluster the Slurm figures are for: 1,024 four-GPU nodes, busy with other users' work. */
export interface SlurmScaleShape {
  nodes: number;
  /** Our coordinator's allocations (they share `ourNodes` nodes). */
  ourAllocations: number;
  ourNodes: number;
  /** Other users' running jobs (on the other nodes) and pending ones. */
  otherRunning: number;
  otherPending: number;
}

export const DEFAULT_SHAPE: SlurmScaleShape = {
  nodes: 1_024,
  ourAllocations: 4,
  ourNodes: 512,
  otherRunning: 64,
  otherPending: 1_500,
};

/** One command's output as it is parsed, per Slurm format. */
export interface SlurmParseFigure {
  format: '22.05' | '24.11';
  what: string;
  records: number;
  bytes: number;
  /** Median of 5 parses, ms. */
  parseMs: number;
}

type Json = Record<string, unknown>;

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(packagePath('test', 'fixtures', 'slurm', name), 'utf8')) as Json;

/** 23.x/24.x print numbers as `{set, infinite, number}` and states as upper-case arrays. */
function newer(v: unknown, key = ''): unknown {
  if (typeof v === 'number') return { set: true, infinite: false, number: v };
  if (key.endsWith('state') && typeof v === 'string') return [v.toUpperCase()];
  if (Array.isArray(v)) return v.map((x) => newer(x));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, newer(x, k)]));
  return v;
}

/** A node's cores as 22.05 lists them in `job_resources` (two sockets of 24 cores). */
function allocatedNode(name: string): Json {
  const cores = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [String(i), 'allocated']));
  return {
    sockets: { '0': { cores }, '1': { cores } },
    nodename: name,
    cpus_used: 0,
    memory_used: 0,
    memory_allocated: 0,
  };
}

const nodeName = (i: number) => `gpu-st-p4d24xlarge-${i + 1}`;
const hostlist = (from: number, count: number) =>
  `gpu-st-p4d24xlarge-[${from + 1}-${from + count}]`;

/**
 * `squeue --json` for the shape, in the 22.05 layout (every job record shaped as this project's
 * own capture, test/fixtures/slurm/squeue-22.05.json) or converted to the 23.x+ layout. `mine`:
 * only our allocations, as `--me` prints where Slurm honours it.
 */
export function squeueText(shape: SlurmScaleShape, format: '22.05' | '24.11', mine = false) {
  const doc = fixture('squeue-22.05.json');
  const template = (doc.jobs as Json[])[0] ?? {};
  const jobs: Json[] = [];
  const job = (id: number, fields: Json, from: number, count: number): Json => ({
    ...template,
    job_id: id,
    node_count: count,
    nodes: count ? hostlist(from, count) : '',
    batch_host: count ? nodeName(from) : '',
    job_resources: count
      ? {
          nodes: hostlist(from, count),
          allocated_cores: count * 48,
          allocated_hosts: count,
          allocated_nodes: Array.from({ length: count }, (_, k) =>
            allocatedNode(nodeName(from + k)),
          ),
        }
      : {},
    ...fields,
  });
  const per = Math.floor(shape.ourNodes / shape.ourAllocations);
  for (let a = 0; a < shape.ourAllocations; a++)
    jobs.push(
      job(
        1000 + a,
        { name: `ct-1a2b3c-j7-${a === 0 ? 'primary' : 'attached'}`, job_state: 'RUNNING' },
        a * per,
        per,
      ),
    );
  if (!mine) {
    const other = Math.floor((shape.nodes - shape.ourNodes) / shape.otherRunning);
    for (let o = 0; o < shape.otherRunning; o++)
      jobs.push(
        job(
          2000 + o,
          { name: `train-${o}`, user_name: 'other', job_state: 'RUNNING' },
          shape.ourNodes + o * other,
          other,
        ),
      );
    for (let p = 0; p < shape.otherPending; p++)
      jobs.push(
        job(
          5000 + p,
          {
            name: `sweep-${p}`,
            user_name: 'other',
            job_state: 'PENDING',
            state_reason: 'Resources',
          },
          0,
          0,
        ),
      );
  }
  const out = { ...doc, jobs };
  return JSON.stringify(format === '22.05' ? out : newer(out));
}

/** `sinfo --json` for the shape; 23.x+ prints one entry per node and partition (two here). */
export function sinfoText(
  shape: SlurmScaleShape,
  format: '22.05' | '24.11',
  partitionOnly = false,
) {
  if (format === '22.05') {
    const doc = fixture('sinfo-22.05.json');
    const template = (doc.nodes as Json[])[0] ?? {};
    const nodes = Array.from({ length: shape.nodes }, (_, i) => ({
      ...template,
      name: nodeName(i),
      hostname: nodeName(i),
      partitions: ['gpu', 'all'],
    }));
    return JSON.stringify({ ...doc, nodes });
  }
  const doc = fixture('sinfo-24.11.json');
  const template = (doc.sinfo as Json[])[0] ?? {};
  const sinfo = (partitionOnly ? ['gpu'] : ['gpu', 'all']).flatMap((partition) =>
    Array.from({ length: shape.nodes }, (_, i) => ({
      ...template,
      partition: { name: partition },
      nodes: { ...(template.nodes as Json), nodes: [nodeName(i)] },
    })),
  );
  return JSON.stringify({ ...doc, sinfo });
}

function medianMs(fn: () => unknown): number {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[2] ?? 0;
}

/** Parse time of each command's output at the shape, both formats, with and without filters. */
export function measureSlurmParsing(shape: SlurmScaleShape = DEFAULT_SHAPE): SlurmParseFigure[] {
  const out: SlurmParseFigure[] = [];
  for (const format of ['22.05', '24.11'] as const) {
    const queue = squeueText(shape, format);
    const nodes = sinfoText(shape, format);
    // 22.05 ignores filters with --json: what it prints with them is what it prints without.
    const filtered = (text: string, whole: string) => (format === '22.05' ? whole : text);
    const cases: { what: string; text: string; parse: (t: string) => unknown[] }[] = [
      { what: 'squeue --json (whole queue)', text: queue, parse: parseSqueueJson },
      {
        what: 'squeue --json --me',
        text: filtered(squeueText(shape, format, true), queue),
        parse: parseSqueueJson,
      },
      { what: 'sinfo --json (every partition)', text: nodes, parse: parseSinfoJson },
      {
        what: 'sinfo --json --partition=gpu',
        text: filtered(sinfoText(shape, format, true), nodes),
        parse: parseSinfoJson,
      },
    ];
    for (const { what, text, parse } of cases)
      out.push({
        format,
        what,
        records: parse(text).length,
        bytes: Buffer.byteLength(text),
        parseMs: medianMs(() => parse(text)),
      });
  }
  return out;
}
