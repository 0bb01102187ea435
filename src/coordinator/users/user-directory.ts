import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkEnrolment, enrolDir, ENROL_DIR_MODE, tokenHash, userNameOf } from './enrolment.js';

/** A user-token holder: its Unix user, and whether that is the operator (who may change any job). */
export interface UserPrincipal {
  kind: 'user';
  user: string;
  operator: boolean;
}

/** Whether a checked enrolment file is still the same file, owner and single link (one lstat). */
function stillThere(file: string, e: { uid: number; ino: number }): boolean {
  try {
    const st = lstatSync(file);
    return st.isFile() && st.nlink === 1 && st.uid === e.uid && st.ino === e.ino;
  } catch {
    return false;
  }
}

/** Who the coordinator runs as: the operator, whose token is the state directory's `token`. */
export function operatorName(): string {
  return os.userInfo().username;
}

/**
 * The users whose tokens the coordinator accepts: the operator's token, and every enrolled one
 * (see enrolment.ts). An enrolment is checked on the file system once, then kept by hash; each
 * later request costs one lstat, so a removed or replaced file stops counting at once.
 */
export class UserDirectory {
  private readonly known = new Map<string, { uid: number; ino: number; user: string }>();
  readonly dir: string;
  readonly operator: string;
  private readonly operatorUid: number;

  constructor(stateDir: string, o: { operator?: string; operatorUid?: number } = {}) {
    this.dir = enrolDir(stateDir);
    this.operator = o.operator ?? operatorName();
    this.operatorUid = o.operatorUid ?? os.userInfo().uid;
  }

  /** Makes the enrolment folder (sticky, writable and not listable by others) if missing. */
  prepare(): void {
    mkdirSync(this.dir, { recursive: true });
    const st = lstatSync(this.dir);
    if (!st.isDirectory() || st.uid !== this.operatorUid)
      throw new Error(`${this.dir} must be a directory owned by the coordinator's user`);
    chmodSync(this.dir, ENROL_DIR_MODE);
  }

  /** The principal of an enrolled token's hash, or undefined. */
  ofHash(hash: string): UserPrincipal | undefined {
    const kept = this.known.get(hash);
    if (kept && stillThere(path.join(this.dir, hash), kept))
      return this.principal(kept.user, kept.uid);
    this.known.delete(hash);
    const r = checkEnrolment(this.dir, hash);
    if (!r.ok) return undefined;
    const user = userNameOf(r.enrolment.uid);
    if (user === undefined) return undefined;
    this.known.set(hash, { ...r.enrolment, user });
    return this.principal(user, r.enrolment.uid);
  }

  /** The principal of an enrolled token, or undefined. */
  ofToken(token: string): UserPrincipal | undefined {
    return this.ofHash(tokenHash(token));
  }

  private principal(user: string, uid: number): UserPrincipal {
    return { kind: 'user', user, operator: uid === this.operatorUid };
  }

  /** Removes every enrolment of `user`; how many there were. Their next CLI call makes a new token. */
  revoke(user: string): number {
    let n = 0;
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return 0;
    }
    for (const name of names) {
      const r = checkEnrolment(this.dir, name);
      const file = path.join(this.dir, name);
      let uid: number;
      try {
        uid = r.ok ? r.enrolment.uid : lstatSync(file).uid;
      } catch {
        continue;
      }
      if (userNameOf(uid) !== user) continue;
      rmSync(file, { force: true });
      this.known.delete(name);
      n++;
    }
    return n;
  }
}
