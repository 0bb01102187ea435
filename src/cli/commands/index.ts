import type { CommandModule } from 'yargs';
import { localCommand } from './local.js';

// Each top-level verb lives in its own module; add new ones here, one line each.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<object, any>[] = [
  localCommand,
];
