import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SPLITS, transformsOf, type RenderedView } from './dataset.js';

/** Writes `transforms_{train,val,test}.json` into `dir` (each atomically); returns their paths. */
export function writeTransforms(dir: string, views: RenderedView[]): string[] {
  mkdirSync(dir, { recursive: true });
  const all = transformsOf(views);
  return SPLITS.map((split) => {
    const file = path.join(dir, `transforms_${split}.json`);
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(all[split], null, 2) + '\n');
    renameSync(partial, file);
    return file;
  });
}
