import type { CommandModule } from 'yargs';
import { blenderAddonCommand } from './blender-addon.js';
import { configCommand } from './config.js';
import { coordinatorCommand } from './coordinator.js';
import { depsCommand } from './deps.js';
import { cancelCommand, logsCommand, priorityCommand, retryCommand } from './job-actions.js';
import { resultsCommand } from './results.js';
import { scaleCommand } from './scale.js';
import { submitCommand } from './submit.js';
import { resumeCommand, suspendCommand } from './suspend.js';
import { envCommand } from './env.js';
import { fetchCommand } from './fetch.js';
import { localCommand } from './local.js';
import { notifyKeyCommand } from './notify-key.js';
import { openjdCommand } from './openjd.js';
import { setupCommand } from './setup.js';
import { stageCommand } from './stage.js';
import { statusCommand } from './status.js';
import { tokenCommand } from './token.js';
import { uploadCommand } from './upload.js';
import { viewerCommand } from './viewer.js';

// Each top-level verb lives in its own module; add new ones here, one line each.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<object, any>[] = [
  localCommand,
  configCommand,
  stageCommand,
  fetchCommand,
  uploadCommand,
  setupCommand,
  statusCommand,
  coordinatorCommand,
  submitCommand,
  depsCommand,
  cancelCommand,
  retryCommand,
  priorityCommand,
  suspendCommand,
  resumeCommand,
  logsCommand,
  scaleCommand,
  viewerCommand,
  openjdCommand,
  envCommand,
  resultsCommand,
  notifyKeyCommand,
  blenderAddonCommand,
  tokenCommand,
];
