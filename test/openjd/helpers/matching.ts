import { expect } from 'vitest';

/** `expect.stringMatching` typed as unknown, so asymmetric matchers need no `any` in the tests. */
export function matching(re: RegExp): unknown {
  return expect.stringMatching(re);
}
