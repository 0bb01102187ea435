import type { CommandModule } from 'yargs';
import { dependencyLines, formatSize, totalSize } from '../../renderers/blender/dependencies.js';
import { probeScene } from '../../renderers/blender/scene-info.js';
import { checkSceneFile } from './blender-options.js';

/**
 * `cluster-tool deps SCENE.blend [--json]`: every file outside the .blend the scene reads, as
 * Blender itself resolves it (the same probe a submit makes): images (UDIM tiles, sequences),
 * libraries and what they read, movie clips, sounds, fonts, volumes, Alembic/USD caches, physics
 * caches on disk. Exit status 1 when one is missing.
 */
export const depsCommand: CommandModule = {
  command: 'deps <scene>',
  describe:
    'List every file a Blender scene reads (textures, libraries, caches ...) with its size, and which are missing',
  builder: (y) =>
    y
      .positional('scene', { type: 'string', demandOption: true, describe: 'The .blend file' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe:
          'Print JSON: {scene, files: [{type, name, library, path, file, exists, size}], missing, bytes}',
      })
      .epilog(
        'Paths as written (`//` is relative to the .blend, or to the library a data-block comes ' +
          'from) and absolute. Packed files need nothing and are not listed. Exit status 1 when a ' +
          'file is missing; `submit` refuses such a scene unless --allow-missing.',
      ),
  handler: async (argv) => {
    const scene = checkSceneFile(argv.scene as string);
    const { dependencies: files } = await probeScene(scene);
    const missing = files.filter((f) => !f.exists).length;
    if (argv.json) {
      const out = { scene, files, missing, bytes: totalSize(files) };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      const lines = dependencyLines(files);
      lines.push(
        `${files.length} file(s), ${formatSize(totalSize(files))}` +
          (missing ? `; ${missing} missing` : ''),
      );
      process.stdout.write(lines.join('\n') + '\n');
    }
    if (missing) process.exitCode = 1;
  },
};
