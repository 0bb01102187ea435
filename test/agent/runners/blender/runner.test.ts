import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlenderRunner } from '../../../../src/agent/runners/blender/runner.js';
import { BLENDER_KINDS } from '../../../../src/agent/runners/blender-kinds.js';
import { payloadOf, TaskFailure, type LeasedTask } from '../../../../src/agent/runner.js';
import { JOB_TYPES } from '../../../../src/coordinator/jobs/registry.js';

// No Blender here: a missing binary and a stand-in that fails as Blender does on a full disk.

const dir = mkdtempSync(path.join(tmpdir(), 'blender-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ctx = { gpu: '', signal: new AbortController().signal, log: () => {} };

function task(kind: string, payload: Record<string, unknown>): LeasedTask {
  return { id: 1, kind, stage: 'render', frames: [1], payload, jobDir: dir };
}

async function failureOf(p: Promise<unknown>): Promise<TaskFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TaskFailure);
  return err as TaskFailure;
}

describe('the Blender runner', () => {
  const render = { scene: path.join(dir, 's.blend'), outputDir: dir, format: 'PNG' };

  it("parses each kind's payload with its job type's schema", async () => {
    const runner = new BlenderRunner({ threads: 1, blender: '/nonexistent/blender' });
    for (const kind of BLENDER_KINDS) {
      const schema = JOB_TYPES.find((t) => kind in t.payloads)?.payloads[kind];
      expect(schema, kind).toBeDefined();
      const t = task(kind, render);
      const f = await failureOf(runner.run(t, ctx));
      // A render's payload: a render starts Blender with it, every other kind's schema refuses it.
      if (kind === 'blender-render') {
        expect(f.message).toContain('/nonexistent/blender');
        continue;
      }
      const refused = await failureOf(Promise.resolve(t).then((x) => payloadOf(x, schema!)));
      expect(f.message, kind).toBe(refused.message);
    }
    await runner.close();
  });

  it('refuses a kind it has no handler for', async () => {
    const runner = new BlenderRunner({ threads: 1 });
    const f = await failureOf(runner.run(task('blender-bake', {}), ctx));
    expect(f.message).toBe('not a Blender task kind: blender-bake');
  });

  it('refuses a warm-up without a scene', async () => {
    const runner = new BlenderRunner({ threads: 1 });
    const f = await failureOf(runner.warmUp('blender-render', {}, ctx));
    expect(f.message).toMatch(/^warm-up: /);
  });

  it('holds a Blender that cannot start against the agent, not the job', async () => {
    const runner = new BlenderRunner({ threads: 1, blender: '/nonexistent/blender' });
    const f = await failureOf(runner.run(task('blender-render', render), ctx));
    expect(f.message).toContain('/nonexistent/blender');
    expect(f.blame).toBe('agent');
    await runner.close();
  });

  it("blames the job when Blender says its output's disk is full, keeping its lines", async () => {
    const fake = path.join(dir, 'full-disk-blender');
    writeFileSync(fake, '#!/bin/sh\necho "Error: No space left on device" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const runner = new BlenderRunner({ threads: 1, blender: fake });
    const f = await failureOf(runner.run(task('blender-render', render), ctx));
    expect(f.blame).toBe('job');
    expect(f.tail).toContain('Error: No space left on device');
    await runner.close();
  });
});
