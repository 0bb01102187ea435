import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The newest `GLIBC_2.N` symbol version an ELF binary asks for, read from its version-needs
 * strings (what the dynamic loader checks at start). Undefined for a file that asks for none.
 */
export function glibcNeeded(file: string): string | undefined {
  const text = readFileSync(file).toString('latin1');
  let best = -1;
  for (const m of text.matchAll(/GLIBC_2\.(\d+)(?![\d.])/g)) best = Math.max(best, Number(m[1]));
  return best >= 0 ? `2.${best}` : undefined;
}

/** The newest glibc any native module (`*.node`) under `dir` asks for. */
export function glibcNeededUnder(dir: string): string | undefined {
  let best: string | undefined;
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.isFile() && e.name.endsWith('.node') && statSync(full).size > 0)
        best = newerGlibc(best, glibcNeeded(full));
    }
  };
  visit(dir);
  return best;
}

/** The newer of two `2.N` versions. */
export function newerGlibc(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Number(a.split('.')[1]) >= Number(b.split('.')[1]) ? a : b;
}
