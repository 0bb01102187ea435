import { writeFileSync } from 'node:fs';
import { figures } from './scale-report.js';
import type { ScaleResult } from './scale-bench.js';

/** One curve of a panel. */
interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

interface Panel {
  title: string;
  xLabel: string;
  series: Series[];
}

const W = 460;
const H = 300;
const PAD = { left: 60, right: 16, top: 36, bottom: 46 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A nice round upper bound for an axis. */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

function fmt(v: number): string {
  if (v >= 1000) return `${+(v / 1000).toFixed(1)}k`;
  return String(+v.toPrecision(3));
}

/** One panel: x on a log scale (the sizes grow by factors), y linear from 0. */
function panel(p: Panel, ox: number, oy: number): string {
  const xs = [...new Set(p.series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const ys = p.series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite);
  const yMax = niceMax(Math.max(...ys, 0));
  const lx = (x: number) => Math.log10(x);
  const x0 = lx(xs[0] ?? 1);
  const x1 = lx(xs[xs.length - 1] ?? 10);
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const sx = (x: number) => ox + PAD.left + (x1 === x0 ? pw / 2 : ((lx(x) - x0) / (x1 - x0)) * pw);
  const sy = (y: number) => oy + PAD.top + ph - (Math.min(y, yMax) / yMax) * ph;
  const out: string[] = [
    `<text x="${ox + W / 2}" y="${oy + 20}" text-anchor="middle" font-size="14" font-weight="bold">${esc(p.title)}</text>`,
    `<rect x="${ox + PAD.left}" y="${oy + PAD.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    out.push(
      `<line x1="${ox + PAD.left}" x2="${ox + PAD.left + pw}" y1="${sy(y)}" y2="${sy(y)}" stroke="#eee"/>`,
      `<text x="${ox + PAD.left - 6}" y="${sy(y) + 4}" text-anchor="end" font-size="11">${fmt(y)}</text>`,
    );
  }
  for (const x of xs)
    out.push(
      `<text x="${sx(x)}" y="${oy + PAD.top + ph + 16}" text-anchor="middle" font-size="11">${fmt(x)}</text>`,
    );
  out.push(
    `<text x="${ox + PAD.left + pw / 2}" y="${oy + H - 8}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`,
  );
  p.series.forEach((s, i) => {
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([x, y]) => `${sx(x)},${sy(y)}`).join(' ')}"/>`,
      ...pts.map(([x, y]) => `<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${s.color}"/>`),
      `<text x="${ox + PAD.left + 8}" y="${oy + PAD.top + 16 + i * 15}" font-size="12" fill="${s.color}">${esc(s.name)}</text>`,
    );
  });
  return out.join('\n');
}

/** The scale bench's curves as an SVG document: four panels, two by two. */
export function scaleSvg(result: ScaleResult, note = ''): string {
  const base = result.runs[0]?.history;
  const byAgents = result.runs.filter((r) => r.history === base);
  const most = byAgents[byAgents.length - 1]?.agents;
  const byHistory = result.runs.filter((r) => r.agents === most);
  const along = (
    runs: typeof result.runs,
    x: 'agents' | 'history',
    y: keyof ReturnType<typeof figures>,
  ) => runs.map((r): [number, number] => [r[x], figures(r)[y]]);
  const panels: Panel[] = [
    {
      title: 'Tasks drained per second',
      xLabel: 'agents (long-polling)',
      series: [
        { name: 'tasks/s', color: '#1f77b4', points: along(byAgents, 'agents', 'tasksPerSecond') },
      ],
    },
    {
      title: 'Idle-agent lease latency (ms)',
      xLabel: 'agents (long-polling)',
      series: [
        { name: 'p50', color: '#2ca02c', points: along(byAgents, 'agents', 'leaseP50') },
        { name: 'p99', color: '#d62728', points: along(byAgents, 'agents', 'leaseP99') },
      ],
    },
    {
      title: 'Coordinator cost',
      xLabel: 'agents (long-polling)',
      series: [
        { name: 'peak RSS (MB)', color: '#9467bd', points: along(byAgents, 'agents', 'peakRssMb') },
        {
          name: 'CPU % while draining',
          color: '#ff7f0e',
          points: along(byAgents, 'agents', 'drainCpu'),
        },
        {
          name: 'renew CPU (µs per call)',
          color: '#8c564b',
          points: along(byAgents, 'agents', 'renewCpuUs'),
        },
      ],
    },
    {
      title: `Lease latency with history (${most} agents, ms)`,
      xLabel: 'tasks of history in the database',
      series: [
        { name: 'p50', color: '#2ca02c', points: along(byHistory, 'history', 'leaseP50') },
        { name: 'p99', color: '#d62728', points: along(byHistory, 'history', 'leaseP99') },
        {
          name: 'GET /api/jobs',
          color: '#17becf',
          points: along(byHistory, 'history', 'jobsListMs'),
        },
      ],
    },
  ];
  const width = W * 2;
  const height = H * 2 + 30;
  const body = panels.map((p, i) => panel(p, (i % 2) * W, Math.floor(i / 2) * H)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    body,
    `<text x="10" y="${height - 10}" font-size="11" fill="#555">${esc(note)}</text>`,
    '</svg>',
  ].join('\n');
}

/** Rasterizes an SVG document to a PNG file with Chromium (playwright-core; /usr/bin/chromium). */
export async function writeSvgPng(svg: string, file: string, chromium = '/usr/bin/chromium') {
  const { chromium: browserType } = await import('playwright-core');
  const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 800);
  const height = Number(/height="(\d+)"/.exec(svg)?.[1] ?? 600);
  const browser = await browserType.launch({ executablePath: chromium, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    writeFileSync(file, await page.screenshot({ clip: { x: 0, y: 0, width, height } }));
  } finally {
    await browser.close();
  }
}
