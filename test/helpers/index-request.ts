import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SubmitRequest } from '../../src/api/types.js';

/**
 * A request for an IndeX session on `nodes` nodes, with the files its plan checks made in `dir`
 * (a scene and a demo directory with a viewer script): the job kind of one allocation, for tests
 * of what only such a job does (resizing its allocation with `scontrol update`).
 */
export function indexRequest(dir: string, nodes: number): SubmitRequest {
  const indexDir = path.join(dir, 'index-demo');
  mkdirSync(indexDir, { recursive: true });
  writeFileSync(path.join(indexDir, 'nvindex-viewer.sh'), '#!/bin/sh\n', { mode: 0o755 });
  const scene = path.join(dir, 'scene.prj');
  writeFileSync(scene, 'index\n');
  return { kind: 'index', scene, indexDir, nodes };
}
