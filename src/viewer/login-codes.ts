import { randomBytes } from 'node:crypto';

/** How long a login code stays valid (5 minutes). */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;

/**
 * One-time login codes, kept in memory only: minted with the user token, exchanged once (within
 * the TTL) by the page for the session token, so the token itself never travels in a URL.
 */
export class LoginCodes {
  private readonly codes = new Map<string, { expiresAt: number; session: string | undefined }>();

  constructor(
    private readonly ttlMs = LOGIN_CODE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A code for `session`: the session cookie's value it is exchanged for. */
  mint(session?: string): { code: string; expiresAt: number } {
    this.prune();
    const code = randomBytes(18).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.codes.set(code, { expiresAt, session });
    return { code, expiresAt };
  }

  /** True once for a live code; the code is gone afterwards whatever the outcome. */
  redeem(code: string): boolean {
    return this.claim(code) !== undefined;
  }

  /** A live code's session (once), or undefined. */
  claim(code: string): { session: string | undefined } | undefined {
    const kept = this.codes.get(code);
    this.codes.delete(code);
    return kept !== undefined && kept.expiresAt > this.now()
      ? { session: kept.session }
      : undefined;
  }

  private prune(): void {
    const now = this.now();
    for (const [code, { expiresAt }] of this.codes) if (expiresAt <= now) this.codes.delete(code);
  }
}
