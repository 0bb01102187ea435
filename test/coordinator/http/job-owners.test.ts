import {
  chownSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAuth } from '../../../src/coordinator/http/auth.js';
import {
  changeRefusal,
  mayChange,
  shownJobs,
  submitOwner,
} from '../../../src/coordinator/http/job-access.js';
import { checkEnrolment, tokenHash } from '../../../src/coordinator/users/enrolment.js';
import {
  UserDirectory,
  type UserPrincipal,
} from '../../../src/coordinator/users/user-directory.js';
import { send, startProbeServer, type ProbeServer } from './route-probe.js';

// Owners of jobs: who may change which job (job-access.ts), how another Unix user's token is
// enrolled (users/enrolment.ts), and the API that puts both together. The enrolment files are
// real files given to a real other user (`nobody`) with chown, as the kernel would for them.

const NOBODY = 65534;
const alice: UserPrincipal = { kind: 'user', user: 'alice', operator: false };
const op: UserPrincipal = { kind: 'user', user: 'root', operator: true };

describe('who may change a job', () => {
  it('lets the owner and the operator change a job, nobody else', () => {
    expect(mayChange(alice, 'alice')).toBe(true);
    expect(mayChange(alice, 'bob')).toBe(false);
    expect(mayChange(alice, null)).toBe(false);
    expect(mayChange(op, 'bob')).toBe(true);
    expect(mayChange(op, null)).toBe(true);
  });

  it('says whose the job is and who may change it', () => {
    expect(changeRefusal(alice, { id: 'j3', owner: 'bob' }, 'cancel', 'root')).toBe(
      'job j3 belongs to bob; only bob or the operator (root) may cancel it',
    );
    expect(changeRefusal(alice, { id: 'j1', owner: null }, 'scale', 'root')).toBe(
      'job j1 belongs to the operator (root); only the operator may scale it',
    );
    expect(changeRefusal(op, { id: 'j3', owner: 'bob' }, 'cancel', 'root')).toBeUndefined();
  });

  it('lets only the operator submit for another owner', () => {
    expect(submitOwner(alice, undefined)).toEqual({ owner: 'alice' });
    expect(submitOwner(alice, 'alice')).toEqual({ owner: 'alice' });
    expect(submitOwner(alice, 'bob')).toHaveProperty('refused');
    expect(submitOwner(op, 'arn:aws:iam::1:user/carol')).toEqual({
      owner: 'arn:aws:iam::1:user/carol',
    });
  });

  it('shows a user their own jobs unless asked for all; the operator all unless asked for theirs', () => {
    const jobs = [{ owner: 'alice' }, { owner: 'bob' }, { owner: null }];
    expect(shownJobs(alice, jobs, undefined)).toEqual([{ owner: 'alice' }]);
    expect(shownJobs(alice, jobs, 'all')).toHaveLength(3);
    expect(shownJobs(op, jobs, undefined)).toHaveLength(3);
    expect(shownJobs({ ...op, user: 'alice' }, jobs, 'mine')).toEqual([
      { owner: 'alice' },
      { owner: null },
    ]);
  });
});

describe('enrolment files', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ct-enrol-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const enrol = (token: string, content = tokenHash(token)) => {
    const file = path.join(dir, tokenHash(token));
    writeFileSync(file, content + '\n');
    chownSync(file, NOBODY, NOBODY);
    return file;
  };

  it("takes the file's owner as the user", () => {
    enrol('tok-a');
    const r = checkEnrolment(dir, tokenHash('tok-a'));
    expect(r.ok && r.enrolment.uid).toBe(NOBODY);
  });

  it('refuses a symlink, a hard link, a file whose content is not its name, and no file', () => {
    const real = enrol('tok-b');
    symlinkSync(real, path.join(dir, tokenHash('tok-c')));
    expect(checkEnrolment(dir, tokenHash('tok-c'))).toEqual({
      ok: false,
      why: 'not a regular file',
    });
    // Another user's file linked under a name of one's own token: two links.
    writeFileSync(path.join(dir, 'victim'), tokenHash('tok-d'));
    linkSync(path.join(dir, 'victim'), path.join(dir, tokenHash('tok-d')));
    expect(checkEnrolment(dir, tokenHash('tok-d'))).toEqual({
      ok: false,
      why: 'has more than one link',
    });
    enrol('tok-e', tokenHash('tok-b'));
    expect(checkEnrolment(dir, tokenHash('tok-e'))).toEqual({
      ok: false,
      why: 'its content is not its name',
    });
    expect(checkEnrolment(dir, tokenHash('tok-none'))).toEqual({ ok: false, why: 'not enrolled' });
    expect(checkEnrolment(dir, '../token')).toEqual({ ok: false, why: 'not a token hash' });
  });

  it('knows a token by its enrolment, until the file is removed or revoked', () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'ct-users-'));
    const users = new UserDirectory(state, { operator: 'root', operatorUid: 0 });
    users.prepare();
    const file = path.join(users.dir, tokenHash('tok-f'));
    writeFileSync(file, tokenHash('tok-f'));
    chownSync(file, NOBODY, NOBODY);
    expect(users.ofToken('tok-f')).toEqual({ kind: 'user', user: 'nobody', operator: false });
    rmSync(file);
    expect(users.ofToken('tok-f')).toBeUndefined();
    writeFileSync(file, tokenHash('tok-f'));
    chownSync(file, NOBODY, NOBODY);
    expect(users.ofToken('tok-f')?.user).toBe('nobody');
    expect(users.revoke('nobody')).toBe(1);
    expect(users.ofToken('tok-f')).toBeUndefined();
    rmSync(state, { recursive: true, force: true });
  });
});

describe('the API checks the owner of every job it changes', () => {
  let server: ProbeServer;
  let nobodyToken = '';
  beforeAll(async () => {
    server = await startProbeServer();
    nobodyToken = 'n'.repeat(48);
    const users = path.join(server.stateDir, 'users');
    mkdirSync(users, { recursive: true });
    const file = path.join(users, tokenHash(nobodyToken));
    writeFileSync(file, tokenHash(nobodyToken));
    chownSync(file, NOBODY, NOBODY);
  });
  afterAll(async () => server?.close());

  const post = (p: string, token: string, body = '{}') =>
    send(server.base, 'POST', p, { token, body });
  const get = (p: string, token: string) => send(server.base, 'GET', p, { token });

  it("records the submitter as the owner, and refuses a change of another's job by its message", async () => {
    const tasks = '{"id":"a","argv":["true"]}\n';
    const made = await post(
      '/api/jobs',
      nobodyToken,
      JSON.stringify({ kind: 'command', nodes: 1, tasks }),
    );
    expect(made.status).toBe(201);
    const own = JSON.parse(made.body) as { id: string; owner: string };
    expect(own.owner).toBe('nobody');

    const [operatorJob] = server.jobs;
    const refused = await post(`/api/jobs/${operatorJob.id}/cancel`, nobodyToken);
    expect(refused.status).toBe(403);
    expect((JSON.parse(refused.body) as { error: string }).error).toMatch(
      new RegExp(
        `^job ${operatorJob.id} belongs to the operator \\(\\S+\\); only the operator may cancel it$`,
      ),
    );
    for (const [route, body] of [
      ['retry', '{}'],
      ['scale', '{"nodes":2}'],
      ['priority', '{"priority":60}'],
      ['task/requeue', `{"id":${operatorJob.taskId}}`],
      ['task/cancel', `{"id":${operatorJob.taskId}}`],
    ] as const)
      expect((await post(`/api/jobs/${operatorJob.id}/${route}`, nobodyToken, body)).status).toBe(
        403,
      );

    const mine = JSON.parse((await get('/api/jobs', nobodyToken)).body) as { id: string }[];
    expect(mine.map((j) => j.id)).toEqual([own.id]);
    const all = JSON.parse((await get('/api/jobs?show=all', nobodyToken)).body) as unknown[];
    expect(all).toHaveLength(4);

    expect(
      (await post(`/api/jobs/${own.id}/priority`, nobodyToken, '{"priority":70}')).status,
    ).toBe(200);
    expect((await post(`/api/jobs/${own.id}/cancel`, nobodyToken)).status).toBe(200);
    expect((await post(`/api/jobs/${operatorJob.id}/cancel`, server.userToken)).status).toBe(200);
  });

  it('lets only the operator name another owner', async () => {
    const body = JSON.stringify({
      kind: 'command',
      nodes: 1,
      tasks: '{"id":"a","argv":["true"]}\n',
    });
    const r = await post('/api/jobs?owner=bob', nobodyToken, body);
    expect(r.status).toBe(403);
    const ok = await post('/api/jobs?owner=arn:aws:iam::1:user/carol', server.userToken, body);
    expect((JSON.parse(ok.body) as { owner: string }).owner).toBe('arn:aws:iam::1:user/carol');
  });

  it("keeps the queue environments, which every user's jobs run in, the operator's to change", async () => {
    const r = await post('/api/environments/anything/remove', nobodyToken);
    expect(r.status).toBe(403);
    expect((JSON.parse(r.body) as { error: string }).error).toMatch(
      /^only the operator \(\S+\) may do this/,
    );
    // The operator gets past the check (there is no such environment).
    expect((await post('/api/environments/anything/remove', server.userToken)).status).toBe(404);
  });

  it('refuses to register a POST on a job that does not say it changes it', async () => {
    const bare = Fastify();
    installAuth(bare, { userToken: 't', jobOfAgentToken: () => undefined });
    expect(() =>
      bare.post('/api/jobs/:id/suspend', { config: { access: 'user' } }, async () => 'x'),
    ).toThrow(/declare config.changes/);
    await bare.close();
  });
});
