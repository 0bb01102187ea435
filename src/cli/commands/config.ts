import type { CommandModule } from 'yargs';
import { configCheck } from './config-check.js';
import { configImage } from './config-image.js';
import { configInit } from './config-init.js';

/** `cluster-tool config init|check|image`. */
export const configCommand: CommandModule = {
  command: 'config <command>',
  describe: 'ParallelCluster configuration: generate from a preset, check, custom AMI recipe',
  builder: (y) => y.command(configInit).command(configCheck).command(configImage).demandCommand(1),
  handler: () => {},
};
