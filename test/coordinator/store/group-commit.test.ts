import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/coordinator/store/group-commit.js';

function database() {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ct-group-')), 'db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v INTEGER)');
  let commits = 0;
  let depth = 0;
  const transaction = <T>(fn: () => T): T => {
    if (depth === 0) commits++;
    depth++;
    try {
      return db.transaction(fn)();
    } finally {
      depth--;
    }
  };
  // Another connection sees only what has been committed.
  const reader = new Database(file, { readonly: true });
  const committed = () => (reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  return { db, transaction, commits: () => commits, committed };
}

describe('group commit', () => {
  it('commits the writes of one moment together and answers each only once they are stored', async () => {
    const d = database();
    const group = new GroupCommit(d.transaction);
    const insert = d.db.prepare('INSERT INTO t (v) VALUES (?)');
    const seen: number[] = [];
    const writes = Array.from({ length: 50 }, (_, i) =>
      group.run(() => insert.run(i).changes).then(() => seen.push(d.committed())),
    );
    await Promise.all(writes);
    expect(d.commits()).toBe(1);
    expect(seen.every((n) => n === 50)).toBe(true);
  });

  it('undoes a write that throws alone, and tells only its caller', async () => {
    const d = database();
    const group = new GroupCommit(d.transaction);
    const insert = d.db.prepare('INSERT INTO t (v) VALUES (?)');
    const ok1 = group.run(() => insert.run(1));
    const bad = group.run(() => {
      insert.run(2);
      throw new Error('not this one');
    });
    const ok2 = group.run(() => insert.run(3));
    await expect(bad).rejects.toThrow('not this one');
    await Promise.all([ok1, ok2]);
    expect(d.db.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 1 }, { v: 3 }]);
  });
});
