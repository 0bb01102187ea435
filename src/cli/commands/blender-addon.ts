import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { ADDON_MODULE, addonZip, installAddon } from '../../renderers/blender/addon.js';

const install: CommandModule = {
  command: 'install',
  describe: "Install (or update) the add-on into a Blender's user add-ons folder and enable it",
  builder: (y) =>
    y
      .option('blender', {
        type: 'string',
        default: 'blender',
        describe: 'The Blender to install into (its user folder is asked of it)',
      })
      .epilog(
        'Asks that Blender where its user add-ons go (BLENDER_USER_SCRIPTS when set, else the ' +
          `user's config folder), copies ${ADDON_MODULE} there, replacing an older copy, enables ` +
          'it and saves the preferences. Restart a Blender that is open to load the new one.',
      ),
  handler: async (argv) => {
    const { dir } = await installAddon(argv.blender as string, (l) =>
      process.stderr.write(`· ${l}\n`),
    );
    process.stdout.write(`${dir}\n`);
  },
};

const zip: CommandModule = {
  command: 'zip',
  describe: "Write the add-on as a zip for Blender's own installer",
  builder: (y) =>
    y
      .option('out', {
        type: 'string',
        default: `${ADDON_MODULE}.zip`,
        describe: 'The zip file to write',
      })
      .epilog(
        'In Blender: Edit > Preferences > Add-ons > Install (4.2 and later: the menu at the top ' +
          'right, Install from Disk), pick the zip, tick "Cluster Tool".',
      ),
  handler: (argv) => {
    const out = path.resolve(argv.out as string);
    writeFileSync(out, addonZip());
    process.stdout.write(`${out}\n`);
  },
};

/**
 * `cluster-tool blender-addon install|zip`: the Blender add-on that submits the open scene from
 * Output Properties (blender-python/cluster_tool_addon), through this CLI.
 */
export const blenderAddonCommand: CommandModule = {
  command: 'blender-addon <action>',
  describe: 'Install the Blender add-on that submits the open scene from Output Properties',
  builder: (y) =>
    y
      .command(install)
      .command(zip)
      .demandCommand(1, 'Name an action: install or zip')
      .epilog(
        "The add-on (Properties > Output > Cluster Tool) runs this CLI to check the scene's files " +
          '(deps), submit it (submit blender / blender-still --json) and follow the job (status ' +
          '--json); it finds cluster-tool on PATH, or where its preferences say.',
      ),
  handler: () => {},
};
