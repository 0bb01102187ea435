import { randomBytes } from 'node:crypto';

/** How long a login code stays valid (5 minutes). */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;

/**
 * One-time login codes, kept in memory only: minted with the user token, exchanged once (within
 * the TTL) by the page for the session token, so the token itself never travels in a URL.
 */
export class LoginCodes {
  private readonly codes = new Map<string, number>();

  constructor(
    private readonly ttlMs = LOGIN_CODE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  mint(): { code: string; expiresAt: number } {
    this.prune();
    const code = randomBytes(18).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.codes.set(code, expiresAt);
    return { code, expiresAt };
  }

  /** True once for a live code; the code is gone afterwards whatever the outcome. */
  redeem(code: string): boolean {
    const expiresAt = this.codes.get(code);
    this.codes.delete(code);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  private prune(): void {
    const now = this.now();
    for (const [code, at] of this.codes) if (at <= now) this.codes.delete(code);
  }
}
