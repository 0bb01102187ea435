import type { CommandModule } from 'yargs';
import { commandSubmit } from './submit-command.js';
import { blenderSubmit } from './submit-blender.js';
import { datasetSubmit } from './submit-dataset.js';
import { indexSubmit } from './submit-index.js';
import { openjdSubmit } from './submit-openjd.js';
import { plenoxelsSubmit } from './submit-plenoxels.js';
import { stillSubmit } from './submit-still.js';

export { autoSpec, parseDuration } from './auto-options.js';

export const submitCommand: CommandModule = {
  command: 'submit <kind>',
  describe: 'Submit a job to the coordinator',
  builder: (y) =>
    y
      .command(blenderSubmit)
      .command(stillSubmit)
      .command(plenoxelsSubmit)
      .command(commandSubmit)
      .command(indexSubmit)
      .command(datasetSubmit)
      .command(openjdSubmit)
      .demandCommand(
        1,
        'Name the kind of job: `cluster-tool submit blender SCENE.blend --frames 1-48`',
      ),
  handler: () => {},
};
