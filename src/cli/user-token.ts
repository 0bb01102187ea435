import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from '../errors.js';
import { enrolDir, tokenHash } from '../coordinator/users/enrolment.js';

/**
 * A Unix user's own token for a coordinator whose operator token they cannot read: kept in their
 * home (0600, folders 0700), one per state directory, and enrolled in the state directory's
 * `users/` folder (see coordinator/users/enrolment.ts) by a file the kernel marks as theirs.
 */

/** Where this user keeps their token for the coordinator of `stateDir`. */
export function userTokenFile(stateDir: string): string {
  let dir = stateDir;
  try {
    dir = realpathSync(stateDir);
  } catch {
    // not there (yet): the path as given
  }
  const key = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  const config = process.env.XDG_CONFIG_HOME ?? path.join(os.userInfo().homedir, '.config');
  return path.join(config, 'cluster-tool', key, 'token');
}

/** The file that enrols `token` with the coordinator of `stateDir`. */
function enrolmentOf(stateDir: string, token: string): string {
  return path.join(enrolDir(stateDir), tokenHash(token));
}

/**
 * This user's token for the coordinator of `stateDir`: the one kept, while still enrolled; else a
 * new one, made and enrolled now (a revoked token is replaced on the next call). Undefined when
 * that coordinator enrols no users (no `users/` folder: one from before user tokens).
 */
export function ownUserToken(stateDir: string): string | undefined {
  if (!existsSync(enrolDir(stateDir))) return undefined;
  const file = userTokenFile(stateDir);
  let token: string | undefined;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch {
    token = undefined;
  }
  if (token && existsSync(enrolmentOf(stateDir, token))) return token;
  token = randomBytes(24).toString('hex');
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, token + '\n', { mode: 0o600 });
    // Readable by the coordinator's user; it holds only the hash, never the token.
    writeFileSync(enrolmentOf(stateDir, token), tokenHash(token) + '\n', { mode: 0o644 });
  } catch (err) {
    throw new CliError(
      `cannot make your user token for the coordinator in ${stateDir}: ${(err as Error).message}. ` +
        `Ask the operator to check that ${enrolDir(stateDir)} exists with mode 1733.`,
    );
  }
  return token;
}
