import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellcheckFindings } from '../helpers/shell.js';

// scripts/trixie: the Debian 13 test world. Building and entering it needs root and minutes
// (`npm run test:trixie`); here only what can be checked in a moment.

const WORLD = 'scripts/trixie/world.sh';

function world(args: string[], env: Record<string, string> = {}) {
  return spawnSync('bash', [WORLD, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('the trixie world scripts', () => {
  it('pass shellcheck', () => {
    for (const file of [WORLD, 'scripts/trixie/test.sh'])
      expect(shellcheckFindings(readFileSync(file, 'utf8'), []), file).toBe('');
  });

  it('name the root by its recipe, under the cache directory asked for', () => {
    const a = world(['path'], { CT_WORLD_CACHE: '/nonexistent/cache' });
    expect(a.status).toBe(0);
    expect(a.stdout.trim()).toMatch(/^\/nonexistent\/cache\/trixie-[0-9a-f]{12}$/);
    expect(world(['path'], { CT_WORLD_CACHE: '/nonexistent/cache' }).stdout).toBe(a.stdout);
  });

  it('print their usage for an unknown subcommand', () => {
    const r = world(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('world.sh run CMD...');
  });
});
