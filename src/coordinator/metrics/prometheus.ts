/**
 * The Prometheus text exposition format (version 0.0.4), for the few kinds of figure the
 * coordinator keeps: gauges read when scraped, counters, and histograms of seconds.
 */

/** A series' labels, in the order written. */
export type Labels = Record<string, string>;

/** One gauge or counter: its samples by labels. */
export interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: { labels?: Labels; value: number }[];
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const all = Object.entries(labels ?? {});
  if (extra) all.push(extra);
  return all.length ? `{${all.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}` : '';
}

const head = (name: string, help: string, type: string) =>
  `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;

/** A gauge or counter family as text. */
export function familyText(f: Family): string {
  return (
    head(f.name, f.help, f.type) +
    f.samples.map((s) => `${f.name}${labelText(s.labels)} ${s.value}\n`).join('')
  );
}

/** Bucket bounds in seconds: 1 ms to 30 s, for lease decisions and Slurm's commands alike. */
const BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A histogram of seconds, one series per label set (a few: Slurm's commands). */
export class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; n: number }
  >();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  observe(seconds: number, labels: Labels = {}): void {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: BOUNDS.map(() => 0), sum: 0, n: 0 };
      this.series.set(key, s);
    }
    BOUNDS.forEach((b, i) => {
      if (seconds <= b) s.counts[i]! += 1;
    });
    s.sum += seconds;
    s.n += 1;
  }

  text(): string {
    let out = head(this.name, this.help, 'histogram');
    for (const s of this.series.values()) {
      BOUNDS.forEach((b, i) => {
        out += `${this.name}_bucket${labelText(s.labels, ['le', String(b)])} ${s.counts[i]}\n`;
      });
      out += `${this.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.n}\n`;
      out += `${this.name}_sum${labelText(s.labels)} ${s.sum}\n`;
      out += `${this.name}_count${labelText(s.labels)} ${s.n}\n`;
    }
    return out;
  }
}
