import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { CliError } from '../../errors.js';
import { packagePath } from '../../paths.js';
import { runCommand } from '../../process/run.js';
import { zipArchive } from '../../util/zip.js';

/** The add-on's Python package name (its folder under blender-python/ and in Blender). */
export const ADDON_MODULE = 'cluster_tool_addon';

/** The add-on's folder in this package. */
export function addonSource(): string {
  return packagePath('blender-python', ADDON_MODULE);
}

/** The add-on's files, relative to its folder: no bytecode caches. */
export function addonFiles(dir = addonSource()): string[] {
  const walk = (rel: string): string[] =>
    readdirSync(path.join(dir, rel), { withFileTypes: true })
      .filter((e) => e.name !== '__pycache__' && !e.name.endsWith('.pyc'))
      .flatMap((e) => {
        const p = rel ? `${rel}/${e.name}` : e.name;
        return e.isDirectory() ? walk(p) : e.isFile() ? [p] : [];
      });
  return walk('').sort();
}

/** An archive Blender's own installer takes (Preferences > Add-ons > Install): one folder. */
export function addonZip(dir = addonSource()): Buffer {
  return zipArchive(
    addonFiles(dir).map((f) => ({
      name: `${ADDON_MODULE}/${f}`,
      data: readFileSync(path.join(dir, f)),
    })),
  );
}

const MARK = 'CLUSTER-TOOL-ADDONS=';

/** Runs a line of Python in that Blender, in the background; fails when the Python fails. */
async function blenderPython(blender: string, code: string, factory: boolean) {
  return runCommand(
    blender,
    [
      '-b',
      ...(factory ? ['--factory-startup'] : []),
      '--python-exit-code',
      '1',
      '--python-expr',
      code,
    ],
    {
      timeoutMs: 120_000,
      missingHint: 'Install Blender, or give the one to install into with --blender PATH.',
    },
  );
}

/** The user add-ons folder of that Blender, as it says itself (it honours BLENDER_USER_SCRIPTS). */
export async function userAddonsDir(blender: string): Promise<string> {
  const r = await blenderPython(
    blender,
    `import bpy; print(${JSON.stringify(MARK)} + bpy.utils.user_resource('SCRIPTS', path='addons', create=True))`,
    true,
  );
  const line = r.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new CliError(`${blender} did not say where its user add-ons go:\n${r.stdout}`);
  return line.slice(MARK.length).trim();
}

/**
 * Copies the add-on into that Blender's user add-ons folder (what was there before goes), then
 * enables it and saves the preferences, as Preferences > Add-ons would.
 */
export async function installAddon(
  blender: string,
  log: (line: string) => void,
): Promise<{ dir: string }> {
  const addons = await userAddonsDir(blender);
  const dest = path.join(addons, ADDON_MODULE);
  mkdirSync(addons, { recursive: true });
  if (existsSync(dest) && !statSync(dest).isDirectory())
    throw new CliError(`${dest} is in the way: it is not a folder; remove it and install again`);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest);
  for (const f of addonFiles()) {
    mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    cpSync(path.join(addonSource(), f), path.join(dest, f));
  }
  log(`copied the add-on to ${dest}`);
  await blenderPython(
    blender,
    // A Blender never started by this user has no config folder, and saving the preferences
    // there fails with no error: the folder is made first, and the saved file looked for.
    [
      'import bpy, os',
      "cfg = bpy.utils.user_resource('CONFIG')",
      'os.makedirs(cfg, exist_ok=True)',
      `bpy.ops.preferences.addon_enable(module=${JSON.stringify(ADDON_MODULE)})`,
      'bpy.ops.wm.save_userpref()',
      "if not os.path.isfile(os.path.join(cfg, 'userpref.blend')): raise RuntimeError('could not save the preferences in ' + cfg)",
    ].join('\n'),
    false,
  );
  log('enabled it and saved the preferences');
  return { dir: dest };
}
