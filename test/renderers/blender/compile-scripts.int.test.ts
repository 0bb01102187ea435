import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileBlenderScripts,
  compileCommandLine,
  describeCompiled,
} from '../../../src/renderers/blender/compile-scripts.js';

// Blender writes no bytecode for its own scripts, so unless they are compiled once every start of
// it compiles them. `local up` (and the nodes' bootstrap) compiles them through Blender's Python.

describe("byte-compiling Blender's scripts", () => {
  it('leaves a .pyc beside each startup script of this Blender, and says so', async () => {
    const dirs = await compileBlenderScripts();
    const scripts = dirs.find((d) => existsSync(path.join(d.dir, 'startup', 'bl_ui')));
    expect(scripts, JSON.stringify(dirs)).toBeDefined();
    if (!scripts?.writable) return; // a read-only Blender: nothing to check but the message
    expect(scripts.ok).toBe(true);
    for (const sub of ['bl_ui', 'bl_operators']) {
      const dir = path.join(scripts.dir, 'startup', sub);
      const sources = readdirSync(dir).filter((n) => n.endsWith('.py'));
      const compiled = readdirSync(path.join(dir, '__pycache__'));
      for (const s of sources)
        expect(
          compiled.some((c) => c.startsWith(`${s.slice(0, -3)}.`) && c.endsWith('.pyc')),
          s,
        ).toBe(true);
    }
    expect(describeCompiled(dirs)).toMatch(/^Blender's scripts are byte-compiled/);
    // Again: nothing left to do, and the same answer.
    expect(await compileBlenderScripts()).toEqual(dirs);
  });

  it('says what to run where the scripts are not writable, and names a failure as one', () => {
    const text = describeCompiled([
      { dir: '/usr/share/blender/scripts', writable: false, ok: false },
    ]);
    expect(text).toContain('/usr/share/blender/scripts are not writable here');
    expect(text).toContain(compileCommandLine());
    expect(compileCommandLine()).toMatch(/blender -b --factory-startup .*compile_scripts\.py$/);
    expect(describeCompiled([{ dir: '/opt/b/scripts', writable: true, ok: false }])).toMatch(
      /some of Blender's scripts in \/opt\/b\/scripts did not compile/,
    );
  });
});
