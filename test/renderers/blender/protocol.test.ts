import { describe, expect, it } from 'vitest';
import { parseWorkerLine } from '../../../src/renderers/blender/protocol.js';

describe('parseWorkerLine', () => {
  it('returns nothing for Blender own output', () => {
    expect(parseWorkerLine('Fra:1 Mem:8.92M | Rendering 1 / 4 samples')).toBeUndefined();
  });

  it('reads a result line', () => {
    const line =
      '@@CT@@ {"type":"result","id":3,"frame":12,"output":"/o/frame_0012.png","seconds":0.4,"device":"CPU"}';
    expect(parseWorkerLine(line)).toEqual({
      type: 'result',
      id: 3,
      frame: 12,
      output: '/o/frame_0012.png',
      seconds: 0.4,
      device: 'CPU',
    });
  });

  it('finds the prefix after an unfinished line of Blender output', () => {
    expect(parseWorkerLine('Fra:1 Mem@@CT@@ {"type":"bye"}')).toEqual({ type: 'bye' });
  });

  it('turns a malformed protocol line into a fatal message that quotes it', () => {
    const msg = parseWorkerLine('@@CT@@ {"type":"result"');
    expect(msg).toMatchObject({ type: 'fatal' });
    expect(msg?.type === 'fatal' && msg.error).toMatch(/unreadable worker message: @@CT@@/);
  });
});
