import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../src/coordinator/jobs/registry.js';

// The viewer and the CLI show a job from what its job type declares (its unit and presentation,
// in the job's view), never by the name of its kind: a kind added must not need a branch there.

const SCANNED = ['src/viewer/app', 'src/cli'];
// Submitting prepares a request of the kind its verb names (and checks it against the jobs whose
// outputs a Blender render could collide with): naming kinds is what it does.
const SUBMIT_PATH = /^src\/cli\/commands\/(submit[^/]*|blender-prepare)\.ts$/;

const names = JOB_TYPES.map((t) => t.kind.replace(/[-]/g, '\\-')).join('|');
const q = `(['"\`])(?:${names})\\1`;
const subject = String.raw`[\w$.?!()\]]*\bkind\b`;
const BRANCHES: [string, RegExp][] = [
  ['a comparison with a kind', new RegExp(String.raw`\bkind\s*[!=]==?\s*${q}`, 'g')],
  ['a comparison with a kind', new RegExp(String.raw`${q}\s*[!=]==?\s*${subject}`, 'g')],
  ['a case of a kind', new RegExp(String.raw`\bcase\s+${q}\s*:`, 'g')],
  ['a list of kinds', new RegExp(String.raw`\.(?:includes|has)\(\s*${subject}\s*\)`, 'g')],
  ['a table by kind', new RegExp(String.raw`\[\s*${subject}\s*\]`, 'g')],
];

/** Each branch on a job's kind in `text`, as `line: what`. */
function kindBranches(text: string): string[] {
  return BRANCHES.flatMap(([what, re]) =>
    [...text.matchAll(re)].map((m) => {
      const line = text.slice(0, m.index).split('\n').length;
      return `${line}: ${what} (${m[0]})`;
    }),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('the viewer and the CLI', () => {
  it('show jobs from what their job types declare, with no branch on the name of a kind', () => {
    const found = SCANNED.flatMap(sources)
      .filter((f) => !SUBMIT_PATH.test(f))
      .flatMap((f) => kindBranches(readFileSync(f, 'utf8')).map((b) => `${f}:${b}`));
    expect(found).toEqual([]);
  });

  it('would see such a branch in any of its forms, and not a request being built', () => {
    const branches = [
      "if (d.kind === 'blender') x();",
      "const ok = 'index' !== job.kind;",
      "switch (j.kind) {\n  case 'plenoxels':",
      "if (['command', 'openjd'].includes(j.kind)) x();",
      'const label = LABELS[d.kind];',
    ];
    for (const b of branches) expect(kindBranches(b), b).toHaveLength(1);
    expect(kindBranches("const req = { kind: 'blender', scene };")).toEqual([]);
    expect(kindBranches('const s = `${j.id} · ${j.kind}`;')).toEqual([]);
  });
});
