import { describe, expect, it } from 'vitest';
import { parseWorkerLine } from '../../../src/renderers/blender/protocol.js';
import { sceneInfo } from './scene-fixture.js';

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

describe('parseWorkerLine for overrides and tiles', () => {
  it('reads a configured line with what was applied and the scene after it', () => {
    const scene = sceneInfo({ resolution_percentage: 50, camera: 'CamBlue' });
    const line = `@@CT@@ ${JSON.stringify({
      type: 'configured',
      id: 4,
      applied: { resolution_percentage: 50, camera: 'CamBlue', color_depth: '16' },
      device: { type: 'CPU', names: ['CPU'], reason: 'asked for CPU' },
      scene,
    })}`;
    expect(parseWorkerLine(line)).toMatchObject({
      type: 'configured',
      applied: { resolution_percentage: 50, camera: 'CamBlue', color_depth: '16' },
      scene: { camera: 'CamBlue', cameras: ['CamBlue', 'CamRed'] },
    });
  });

  it('reads a merged line', () => {
    const line =
      '@@CT@@ {"type":"merged","id":9,"output":"/o/still.png","seconds":0.2,"resolution":[64,36]}';
    expect(parseWorkerLine(line)).toEqual({
      type: 'merged',
      id: 9,
      output: '/o/still.png',
      seconds: 0.2,
      resolution: [64, 36],
    });
  });

  it('treats a ready line without the scene facts the probe needs as unreadable', () => {
    const scene: Partial<ReturnType<typeof sceneInfo>> = sceneInfo();
    delete scene.cameras;
    const line = `@@CT@@ ${JSON.stringify({ type: 'ready', pid: 1, blender: '3.4.1', scene, device: { type: 'CPU', names: [], reason: '' }, denoising: { was_on: false, disabled: [] } })}`;
    expect(parseWorkerLine(line)).toMatchObject({ type: 'fatal' });
  });
});
