import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `bash -n` on a script text; returns stderr ('' when the syntax is fine). */
export function bashSyntaxErrors(script: string): string {
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr;
}

/**
 * shellcheck's findings on a script text ('' when clean). SC2016 ("expressions don't expand in
 * single quotes") is off by default: single quotes are exactly how user values stay literal.
 */
export function shellcheckFindings(script: string, exclude: string[] = ['SC2016']): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-sc-'));
  const file = path.join(dir, 'script.sh');
  writeFileSync(file, script);
  const args = [
    '-s',
    'bash',
    '-f',
    'gcc',
    ...(exclude.length ? ['-e', exclude.join(',')] : []),
    file,
  ];
  const r = spawnSync('shellcheck', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r.status === 0 ? '' : r.stdout + r.stderr;
}

/** Runs a bash snippet and returns its stdout. */
export function runBash(script: string, env: Record<string, string> = {}): string {
  return execFileSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}
