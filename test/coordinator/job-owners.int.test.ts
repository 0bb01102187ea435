import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SlurmClient } from '../../src/slurm/client.js';
import { userTokenFile } from '../../src/cli/user-token.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess } from '../helpers/coordinator.js';

// Two Unix users on the head node, each with the real CLI and a token of their own, against a
// coordinator run by the operator (root here): each sees and changes only their own jobs, the
// operator changes both.

const BIN = fileURLToPath(new URL('../../bin/cluster-tool.js', import.meta.url));
const USERS = ['ct-alice', 'ct-bob'] as const;
type User = (typeof USERS)[number];
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-owners-');
const made: User[] = [];
let coord: CoordinatorProcess;

const exists = (u: string) => spawnSync('id', ['-u', u]).status === 0;
const home = (u: User) => `/home/${u}`;

/** The CLI as user `u`, with a clean environment (no token or state dir of root's). */
function cliAs(u: User, args: string[]): CliResult {
  const r = spawnSync(
    'runuser',
    [
      '-u',
      u,
      '--',
      'env',
      '-i',
      `HOME=${home(u)}`,
      `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
      process.execPath,
      BIN,
      ...args,
      '--state-dir',
      coord.stateDir,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const operator = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);

beforeAll(async () => {
  for (const u of USERS) {
    if (exists(u)) continue;
    const r = spawnSync('useradd', ['-m', '-s', '/bin/sh', u], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`useradd ${u}: ${r.stderr}`);
    made.push(u);
  }
  // The users read the tasks file and reach the state directory (mkdtemp makes it 0700).
  chmodSync(root, 0o755);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
  for (const u of made) spawnSync('userdel', ['-r', u]);
});

describe('jobs of two Unix users on the head node', () => {
  it('lets each see and change only their own jobs, and the operator both', () => {
    const tasks = path.join(root, 'tasks.jsonl');
    writeFileSync(tasks, '{"id":"a","argv":["sleep","600"]}\n', { mode: 0o644 });
    const submit = (u: User) => {
      const r = cliAs(u, ['submit', 'command', '--tasks', tasks, '--name', `${u}-job`]);
      expect(r.stderr).toMatch(/Submitted/);
      expect(r.code).toBe(0);
      return r.stdout.trim();
    };
    const aliceJob = submit('ct-alice');
    const bobJob = submit('ct-bob');

    // Each made their own token, 0600 in a 0700 folder of their own home.
    const file = tokenPathOf('ct-alice');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);

    const all = cliAs('ct-alice', ['status', '--all']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(
      new RegExp(`${aliceJob}\\s+ct-alice-job\\s+\\S+\\s+50\\s+ct-alice\\s`),
    );
    expect(all.stdout).toMatch(new RegExp(`${bobJob}\\s+ct-bob-job\\s+\\S+\\s+50\\s+ct-bob\\s`));
    for (const args of [['status', '--mine'], ['status']]) {
      const mine = cliAs('ct-alice', args);
      expect(mine.stdout).toContain(aliceJob);
      expect(mine.stdout).not.toContain(bobJob);
    }

    const refused = cliAs('ct-alice', ['cancel', bobJob]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      `job ${bobJob} belongs to ct-bob; only ct-bob or the operator (root) may cancel it`,
    );
    expect(cliAs('ct-bob', ['priority', aliceJob, '90']).code).not.toBe(0);

    // The operator sees both by default and may cancel both.
    const seen = operator(['status']);
    expect(seen.stdout).toContain(aliceJob);
    expect(seen.stdout).toContain(bobJob);
    for (const job of [aliceJob, bobJob]) {
      const r = operator(['cancel', job]);
      expect(r.stderr + r.stdout).not.toMatch(/belongs to/);
      expect(r.code).toBe(0);
    }
  });

  it("revokes a user's token; their next command makes and enrols a new one", () => {
    const before = readFileSync(tokenPathOf('ct-bob'), 'utf8');
    const r = cliAs('ct-bob', ['token', 'revoke']);
    expect(r.stdout).toMatch(/revoked 1 token of ct-bob/);
    expect(cliAs('ct-bob', ['token', 'whoami']).stdout.trim()).toBe('ct-bob');
    expect(readFileSync(tokenPathOf('ct-bob'), 'utf8')).not.toBe(before);
    // Only the operator may revoke someone else's.
    expect(cliAs('ct-bob', ['token', 'revoke', 'ct-alice']).stderr).toMatch(
      /only ct-alice or the operator may revoke/,
    );
  });
});

/** Where user `u`'s CLI keeps its token (the same function, with their home). */
function tokenPathOf(u: User): string {
  const own = userTokenFile(coord.stateDir);
  const rootConfig = path.join(process.env.XDG_CONFIG_HOME ?? path.join('/root', '.config'));
  return path.join(home(u), '.config', path.relative(rootConfig, own));
}
