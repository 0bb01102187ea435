/**
 * Instance types cluster-tool knows offline, with their NVIDIA GPU count (0 for CPU-only head
 * node types). `config check --aws` asks EC2 instead; this table lets `config init` catch typos
 * without network access and gives Slurm its GPUs-per-node before the cluster exists.
 */
export const KNOWN_INSTANCE_TYPES: Readonly<Record<string, number>> = {
  // GPU (EC2's accelerated computing instance specifications): G4dn (T4), G5 (A10G), G6 (L4),
  // G6e (L40S), P3 (V100), P4d/P4de (A100), P5 (H100), P5e/P5en (H200).
  'g4dn.xlarge': 1,
  'g4dn.2xlarge': 1,
  'g4dn.4xlarge': 1,
  'g4dn.8xlarge': 1,
  'g4dn.16xlarge': 1,
  'g4dn.12xlarge': 4,
  'g4dn.metal': 8,
  'g5.xlarge': 1,
  'g5.2xlarge': 1,
  'g5.4xlarge': 1,
  'g5.8xlarge': 1,
  'g5.16xlarge': 1,
  'g5.12xlarge': 4,
  'g5.24xlarge': 4,
  'g5.48xlarge': 8,
  'g6.xlarge': 1,
  'g6.2xlarge': 1,
  'g6.4xlarge': 1,
  'g6.8xlarge': 1,
  'g6.16xlarge': 1,
  'g6.12xlarge': 4,
  'g6.24xlarge': 4,
  'g6.48xlarge': 8,
  'g6e.xlarge': 1,
  'g6e.2xlarge': 1,
  'g6e.4xlarge': 1,
  'g6e.8xlarge': 1,
  'g6e.16xlarge': 1,
  'g6e.12xlarge': 4,
  'g6e.24xlarge': 4,
  'g6e.48xlarge': 8,
  'p3.2xlarge': 1,
  'p3.8xlarge': 4,
  'p3.16xlarge': 8,
  'p3dn.24xlarge': 8,
  'p4d.24xlarge': 8,
  'p4de.24xlarge': 8,
  'p5.48xlarge': 8,
  'p5e.48xlarge': 8,
  'p5en.48xlarge': 8,
  // CPU-only, for small head nodes.
  't3.medium': 0,
  't3.large': 0,
  't3.xlarge': 0,
  't3.2xlarge': 0,
  'm5.large': 0,
  'm5.xlarge': 0,
  'm5.2xlarge': 0,
  'm5.4xlarge': 0,
  'm6i.large': 0,
  'm6i.xlarge': 0,
  'm6i.2xlarge': 0,
  'm6i.4xlarge': 0,
  'c5.xlarge': 0,
  'c5.2xlarge': 0,
  'c5.4xlarge': 0,
  'c6i.xlarge': 0,
  'c6i.2xlarge': 0,
};

/** GPUs per instance for a known type, or `undefined` when the table does not have it. */
export function knownGpuCount(instanceType: string): number | undefined {
  return KNOWN_INSTANCE_TYPES[instanceType];
}

/** The known type closest in spelling, for a "did you mean" hint. */
export function closestKnownType(instanceType: string): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const known of Object.keys(KNOWN_INSTANCE_TYPES)) {
    const d = editDistance(instanceType, known);
    if (d < bestScore) [best, bestScore] = [known, d];
  }
  return bestScore <= 3 ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
