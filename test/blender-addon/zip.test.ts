import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ADDON_MODULE,
  addonFiles,
  addonSource,
  addonZip,
} from '../../src/renderers/blender/addon.js';
import { zipArchive } from '../../src/util/zip.js';

const dir = mkdtempSync('/tmp/ct-addon-zip-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What Python's zipfile reads back: each name and its bytes' hex, checked against their CRC. */
function readBack(file: string): Record<string, string> {
  const py =
    'import json,sys,zipfile\n' +
    'z=zipfile.ZipFile(sys.argv[1])\n' +
    'assert z.testzip() is None\n' +
    'print(json.dumps({n: z.read(n).hex() for n in z.namelist()}))';
  return JSON.parse(execFileSync('python3', ['-c', py, file], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
}

describe('zip archives', () => {
  it('writes files that zipfile reads back whole, empty ones too', () => {
    const file = path.join(dir, 'a.zip');
    const big = Buffer.from('cluster-tool '.repeat(5000));
    writeFileSync(
      file,
      zipArchive([
        { name: 'top/a.txt', data: Buffer.from('hello') },
        { name: 'top/empty', data: Buffer.alloc(0) },
        { name: 'top/sub/big.txt', data: big },
      ]),
    );
    expect(readBack(file)).toEqual({
      'top/a.txt': Buffer.from('hello').toString('hex'),
      'top/empty': '',
      'top/sub/big.txt': big.toString('hex'),
    });
  });

  it("holds the add-on as one folder Blender's installer takes, without bytecode", () => {
    const file = path.join(dir, 'addon.zip');
    writeFileSync(file, addonZip());
    const names = Object.keys(readBack(file)).sort();
    expect(names).toContain(`${ADDON_MODULE}/__init__.py`);
    expect(names).toContain(`${ADDON_MODULE}/blender_manifest.toml`);
    expect(names.every((n) => n.startsWith(`${ADDON_MODULE}/`) && !n.includes('__pycache__'))).toBe(
      true,
    );
    expect(names).toEqual(addonFiles().map((f) => `${ADDON_MODULE}/${f}`));
    expect(readBack(file)[`${ADDON_MODULE}/command.py`]).toBe(
      readFileSync(path.join(addonSource(), 'command.py')).toString('hex'),
    );
  });
});
