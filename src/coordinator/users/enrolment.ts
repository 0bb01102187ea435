import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, lstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';

/**
 * User tokens of other Unix users than the operator, enrolled through the file system. A user's
 * CLI makes a random token in a 0600 file of its own home and creates, in the state directory's
 * `users/` folder (sticky, world-writable, not listable: mode 1733), a file named by the token's
 * SHA-256 that holds that hash. Only the kernel sets a file's owner, so the file's owner is the
 * user the token stands for: nobody but root can make a file that is owned by someone else. The
 * name must equal the content (a copy or rename of another's file is refused), the file must be
 * a regular file (no symlink) with one link (a hard link to another user's file is refused).
 */

/** The folder of enrolments, inside the state directory. */
const ENROL_DIR = 'users';
/** Anyone may create a file there, nobody but its owner (and the operator) remove it, none list it. */
export const ENROL_DIR_MODE = 0o1733;

/** The name (and content) of a token's enrolment file. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function enrolDir(stateDir: string): string {
  return path.join(stateDir, ENROL_DIR);
}

/** The enrolment of one token: who owns its file. */
export interface Enrolment {
  uid: number;
  /** The file's inode, so a replaced file is checked again. */
  ino: number;
}

/** Why an enrolment file does not count, or its owner. */
export function checkEnrolment(
  dir: string,
  hash: string,
): { ok: true; enrolment: Enrolment } | { ok: false; why: string } {
  if (!/^[0-9a-f]{64}$/.test(hash)) return { ok: false, why: 'not a token hash' };
  const file = path.join(dir, hash);
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return { ok: false, why: 'not enrolled' };
  }
  if (!st.isFile()) return { ok: false, why: 'not a regular file' };
  if (st.nlink !== 1) return { ok: false, why: 'has more than one link' };
  if (st.size > 256) return { ok: false, why: 'too large' };
  let text: string;
  try {
    // O_NOFOLLOW: a symlink swapped in after the lstat is refused, not followed.
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const buf = Buffer.alloc(256);
      text = buf
        .subarray(0, readSync(fd, buf, 0, 256, 0))
        .toString('utf8')
        .trim();
    } finally {
      closeSync(fd);
    }
  } catch {
    return { ok: false, why: 'unreadable' };
  }
  if (text !== hash) return { ok: false, why: 'its content is not its name' };
  return { ok: true, enrolment: { uid: st.uid, ino: st.ino } };
}

/**
 * A uid's login name: from /etc/passwd, else `id -nu` (directory services); Node itself knows only
 * its own process's user. No shell: the uid is a number passed as one argument.
 */
export function userNameOf(uid: number, passwd = '/etc/passwd'): string | undefined {
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && Number(f[2]) === uid && f[0]) return f[0];
    }
  } catch {
    // no readable passwd file: ask id below
  }
  try {
    const name = execFileSync('id', ['-nu', String(uid)], { encoding: 'utf8', timeout: 5000 });
    return name.trim() || undefined;
  } catch {
    return undefined;
  }
}
