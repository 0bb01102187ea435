import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The shape the architecture promises, read from the source itself: no import cycles, the
// scheduler and the job types free of I/O, however deep the imports go, and the developer tooling
// in bench/ outside the product.

const SRC = path.resolve('src');
const BENCH = path.resolve('bench');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

interface Edge {
  to: string;
  typeOnly: boolean;
}

const IMPORT = /^(import|export)\s+(type\s+)?(?:([^'";]*?)\s*from\s+)?'([^']+)';/gms;

/** Each module's imports under `root`: local ones resolved to files, packages by name. */
function graph(root = SRC): Map<string, Edge[]> {
  const g = new Map<string, Edge[]>();
  for (const file of sources(root)) {
    const text = readFileSync(file, 'utf8');
    const edges: Edge[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[4] ?? '';
      const typeOnly = Boolean(m[2]) || /^\{\s*(type\s+[^,}]+,?\s*)+\}$/.test(m[3] ?? '');
      const to = spec.startsWith('.')
        ? path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts')
        : spec;
      edges.push({ to, typeOnly });
    }
    g.set(file, edges);
  }
  return g;
}

function cycles(g: Map<string, Edge[]>, within: (f: string) => boolean): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const e of g.get(f) ?? []) {
      if (!g.has(e.to) || !within(e.to)) continue;
      if (state.get(e.to) === 'open') found.push([...stack.slice(stack.indexOf(e.to)), e.to]);
      else if (!state.has(e.to)) visit(e.to);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of g.keys()) if (within(f) && !state.has(f)) visit(f);
  return found.map((c) => c.map((f) => path.relative(SRC, f)));
}

/** Every module `from` reaches through runtime imports (type-only imports vanish when compiled). */
function reach(g: Map<string, Edge[]>, from: string[]): Map<string, string> {
  const via = new Map<string, string>(from.map((f) => [f, f]));
  const todo = [...from];
  while (todo.length) {
    const f = todo.pop() ?? '';
    for (const e of g.get(f) ?? []) {
      if (e.typeOnly || via.has(e.to)) continue;
      via.set(e.to, f);
      if (g.has(e.to)) todo.push(e.to);
    }
  }
  return via;
}

const IO = [
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:http',
  'node:https',
  'node:net',
  'better-sqlite3',
  'fastify',
  'execa',
];

describe('the source tree', () => {
  const g = graph();

  it('has no import cycle among the coordinator modules', () => {
    expect(cycles(g, (f) => f.startsWith(path.join(SRC, 'coordinator')))).toEqual([]);
  });

  it('has no import cycle anywhere in src', () => {
    expect(cycles(g, () => true)).toEqual([]);
  });

  it('keeps the scheduler and the job types free of I/O, however deep the imports go', () => {
    const roots = [...g.keys()].filter(
      (f) =>
        f.startsWith(path.join(SRC, 'coordinator', 'scheduler') + path.sep) ||
        f.startsWith(path.join(SRC, 'coordinator', 'jobs') + path.sep),
    );
    expect(roots.length).toBeGreaterThan(5);
    const via = reach(g, roots);
    const chain = (m: string): string => {
      const out = [m];
      for (let cur = m; via.get(cur) !== cur; cur = via.get(cur) ?? cur)
        out.push(via.get(cur) ?? '');
      return out
        .reverse()
        .map((f) => (f.startsWith(SRC) ? path.relative(SRC, f) : f))
        .join(' → ');
    };
    expect(IO.filter((m) => via.has(m)).map(chain)).toEqual([]);
  });

  const inside = (dir: string) => (f: string) => f.startsWith(dir + path.sep);
  const rel = (f: string) => path.relative(path.dirname(SRC), f);
  /** Every import, type-only ones too, by a module under `from` of a module under `to`. */
  const importsInto = (from: string, to: string): string[] => {
    const files = [...g].filter(([f]) => inside(from)(f));
    expect(files.length).toBeGreaterThan(5);
    return files.flatMap(([f, edges]) =>
      edges.filter((e) => inside(to)(e.to)).map((e) => `${rel(f)} → ${rel(e.to)}`),
    );
  };

  it('imports nothing from bench/', () => {
    const found = [...g].flatMap(([f, edges]) =>
      edges.filter((e) => inside(BENCH)(e.to)).map((e) => `${rel(f)} → ${rel(e.to)}`),
    );
    expect(found).toEqual([]);
  });

  it('lets bench/ reach the coordinator only as a user does, or in the seams that say why', () => {
    const coordinator = path.join(SRC, 'coordinator');
    // How it starts; its HTTP client and the API's types are in src/api/, open to all.
    const api = [path.join(coordinator, 'service.ts')];
    // farm-slurm.ts: plain Slurm's `--nice` is the allocator's own mapping (`niceOf`), not a copy.
    const seams = [
      'coordinator-port.ts',
      'lease-order.ts',
      path.join('scale', 'history.ts'),
      'farm-slurm.ts',
    ].map((f) => path.join(BENCH, f));
    const bench = [...graph(BENCH)].filter(([f]) => !inside(path.join(BENCH, 'test'))(f));
    expect(bench.length).toBeGreaterThan(20);
    const found = bench
      .filter(([f]) => !seams.includes(f))
      .flatMap(([f, edges]) =>
        edges
          .filter((e) => inside(coordinator)(e.to) && !api.includes(e.to))
          .map((e) => `${rel(f)} → ${rel(e.to)}`),
      );
    expect(found).toEqual([]);
  });

  it('keeps the API free of the coordinator: the coordinator imports api/, not the other way', () => {
    expect(importsInto(path.join(SRC, 'api'), path.join(SRC, 'coordinator'))).toEqual([]);
  });

  it('keeps the store below the scheduler: the lease order hands its values down', () => {
    const coordinator = path.join(SRC, 'coordinator');
    expect(
      importsInto(path.join(coordinator, 'store'), path.join(coordinator, 'scheduler')),
    ).toEqual([]);
  });

  it('lets the HTTP routes reach the coordinator only through the ports they declare', () => {
    const coordinator = path.join(SRC, 'coordinator');
    const routes = [...g.keys()].filter(
      (f) =>
        inside(path.join(coordinator, 'http'))(f) || f === path.join(SRC, 'viewer', 'routes.ts'),
    );
    expect(routes.length).toBeGreaterThan(5);
    const core = path.join(coordinator, 'core.ts');
    const parts = ['store', 'desk', 'scaling', 'allocations'].map((d) => path.join(coordinator, d));
    // The rows' types are the words the ports answer in (a job, an agent, a task); types only.
    const rows = path.join(coordinator, 'store', 'types.ts');
    const found = routes.flatMap((f) =>
      (g.get(f) ?? [])
        .filter((e) => e.to === core || parts.some((d) => inside(d)(e.to)))
        .filter((e) => !(e.typeOnly && e.to === rows))
        .map((e) => `${rel(f)} → ${rel(e.to)}`),
    );
    expect(found).toEqual([]);
  });

  it('lets nothing but themselves import the CLI and the viewer page', () => {
    const closed = [path.join(SRC, 'cli'), path.join(SRC, 'viewer', 'app')];
    // The words both print: they live with the page because the browser loads its modules from
    // that one folder (no bundler), and the CLI says the same things in a terminal.
    const shared = ['pace-text.ts', 'scale-news.ts'].map((f) => path.join(SRC, 'viewer', 'app', f));
    const found = [...g].flatMap(([f, edges]) =>
      edges
        .filter((e) => !(shared.includes(e.to) && inside(path.join(SRC, 'cli'))(f)))
        .filter((e) => closed.some((d) => inside(d)(e.to) && !inside(d)(f)))
        .map((e) => `${rel(f)} → ${rel(e.to)}`),
    );
    expect(found).toEqual([]);
  });
});
