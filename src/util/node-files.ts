import { accessSync, constants, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { FileProbe } from './file-probe.js';

const stat = (p: string) => statSync(p, { throwIfNoEntry: false });

/** The FileProbe of this machine's file system. */
export const nodeFiles: FileProbe = {
  isFile: (p) => stat(p)?.isFile() ?? false,
  isDirectory: (p) => stat(p)?.isDirectory() ?? false,
  isExecutable: (p) => {
    try {
      accessSync(p, constants.X_OK);
      return stat(p)?.isFile() ?? false;
    } catch {
      return false;
    }
  },
  isWritableDirectory: (p) => {
    try {
      accessSync(p, constants.W_OK | constants.X_OK);
      return stat(p)?.isDirectory() ?? false;
    } catch {
      return false;
    }
  },
  readText: (p) => readFileSync(p, 'utf8'),
  list: (dir) => readdirSync(dir),
  realPath: (p) => realpathSync(p),
};
