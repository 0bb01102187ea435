import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { causeLine, failureHeadline } from '../../src/process/failure-headline.js';

/** Blender's real output (see test/fixtures/blender-output/README.md), line by line. */
const blender = (name: string): string[] =>
  readFileSync(path.resolve('test/fixtures/blender-output', `${name}.txt`), 'utf8').split('\n');

describe('a failure headline', () => {
  it("leads with Blender's error line when it cannot read the scene", () => {
    expect(failureHeadline('exited with code 1', { output: blender('missing-file') })).toBe(
      "Error: Cannot read file '/nonexistent.blend': No such file or directory (exited with code 1)",
    );
    expect(causeLine(blender('not-a-blend'))).toBe(
      "Error: File format is not supported in file '/tmp/hl-bad.blend'",
    );
  });

  it("takes a Python traceback's last line over Blender's wrappers around it", () => {
    expect(causeLine(blender('python-error'))).toBe('ValueError: scene has no camera');
    expect(causeLine(blender('render-error'))).toBe(
      'RuntimeError: Error: Build without OpenImageDenoiser',
    );
    // Without the traceback (cut off the tail), Blender's own report of it.
    const lines = blender('render-error');
    const head = lines.slice(
      0,
      lines.findIndex((l) => l.includes('Traceback')),
    );
    expect(causeLine(head)).toBe('Error: Build without OpenImageDenoiser');
  });

  it('says only how it ended when the output names no cause: no progress line as the cause', () => {
    expect(failureHeadline('exited with code 3', { output: blender('system-exit') })).toBe(
      'exited with code 3',
    );
    const killed = failureHeadline(
      'Blender worker killed by SIGKILL while trying to render frame 1',
      {
        output: blender('killed-mid-render'),
      },
    );
    expect(killed).toBe('Blender worker killed by SIGKILL while trying to render frame 1');
  });

  it("takes the Error part of a render status line, and skips Blender's leak report", () => {
    expect(
      causeLine([
        'Fra:1 Mem:9.35M (Peak 9.42M) | Time:00:00.00 | Scene, ViewLayer | Error: Out of memory in CUDA queue enqueue',
        'Error: Not freed memory blocks: 3, total unfreed memory 0.01 MB',
      ]),
    ).toBe('Error: Out of memory in CUDA queue enqueue');
  });

  it("falls back to a command's last stderr line, and prefers what it said itself", () => {
    expect(
      failureHeadline('`./train.sh` exited with 3', {
        output: ['epoch 1', 'bad input', 'epoch 2'],
        errors: ['warming up', 'bad input', ''],
      }),
    ).toBe('bad input (`./train.sh` exited with 3)');
    expect(
      failureHeadline('exited with code 3', { said: 'the input is empty', errors: ['noise'] }),
    ).toBe('the input is empty (exited with code 3)');
    expect(failureHeadline('exited with code 3', { errors: [] })).toBe('exited with code 3');
  });

  it('keeps a very long cause to one short line', () => {
    const h = failureHeadline('exited with code 1', { errors: [`Error ${'x'.repeat(1000)}`] });
    expect(h.length).toBeLessThan(340);
    expect(h).not.toContain('\n');
  });

  it('names a full disk before the last words of the tool that met it', () => {
    const ffmpeg = [
      '[out#0/mp4 @ 0x55d0c8] Error opening output /o/.partial-1-video.mp4: No space left on device',
      'Error initializing output stream 0:0 --',
    ];
    expect(failureHeadline('exited with code 1', { errors: ffmpeg })).toBe(
      '[out#0/mp4 @ 0x55d0c8] Error opening output /o/.partial-1-video.mp4: No space left on device (exited with code 1)',
    );
  });
});
