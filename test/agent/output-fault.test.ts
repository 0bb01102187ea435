import { describe, expect, it } from 'vitest';
import { isOutputFault } from '../../src/agent/runner.js';

describe('telling an output that cannot be written from a failing agent', () => {
  it('knows the errno and the words Blender and the OS use for it', () => {
    expect(isOutputFault(Object.assign(new Error('open'), { code: 'EACCES' }))).toBe(true);
    expect(isOutputFault(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(true);
    expect(
      isOutputFault(
        new Error(
          "Blender worker could not render frame 2: PermissionError: [Errno 1] Operation not permitted: '/out/.partial-1.png'",
        ),
      ),
    ).toBe(true);
    expect(isOutputFault(new Error('render failed'), ['Error: No space left on device'])).toBe(
      true,
    );
  });

  it('does not blame the job for an ordinary crash', () => {
    expect(isOutputFault(new Error('Blender exited with signal SIGSEGV'))).toBe(false);
    expect(isOutputFault(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
  });
});
