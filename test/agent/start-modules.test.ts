import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// What an agent loads before its first lease is CPU taken from Blender's start beside it (two
// agents and two Blenders start at once on a two-GPU node's cores): packages load on first use.

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Module specifiers a source file loads when it is imported (type-only imports are erased). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms))
    out.push(m[1]!);
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) out.push(m[1]!);
  return out;
}

/** Every package the agent's entry point loads before it runs, and the modules it walked. */
function agentStartGraph(): { packages: Set<string>; modules: Set<string> } {
  const entry = path.join(SRC, 'agent/main.ts');
  // The entry point's own dynamic imports are part of its start; other modules' are on first use.
  const entryDynamic = [...readFileSync(entry, 'utf8').matchAll(/import\('([^']+)'\)/g)].map(
    (m) => m[1]!,
  );
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string, specs: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of specs) {
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) {
        packages.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!,
        );
        continue;
      }
      const ts = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      expect(existsSync(ts), `${spec} from ${path.relative(SRC, file)}`).toBe(true);
      visit(ts, staticImports(ts));
    }
  };
  visit(entry, [...staticImports(entry), ...entryDynamic]);
  return { packages, modules: new Set([...seen].map((f) => path.relative(SRC, f))) };
}

describe("an agent's start", () => {
  it('loads no package but zod (the protocol checks its first reply); execa loads on first use', () => {
    const { packages, modules } = agentStartGraph();
    // The walk reached the agent itself: a check of the walk.
    expect(modules).toContain('agent/agent.ts');
    expect([...packages]).toEqual(['zod']);
  });

  it("loads no runner: each loads with its job's first task (agent-runners.ts)", () => {
    const { modules } = agentStartGraph();
    expect(
      [...modules].filter((m) => m.startsWith('agent/runners/') && !m.endsWith('-kinds.ts')),
    ).toEqual([]);
    expect([...modules].filter((m) => m.startsWith('openjd/'))).toEqual([]);
  });
});
