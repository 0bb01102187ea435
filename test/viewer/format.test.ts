import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/api/types.js';
import { findOnPath, viewerUrl } from '../../src/cli/commands/viewer.js';
import { parseSse } from '../../src/viewer/app/events.js';
import {
  formatDuration,
  framesOf,
  parseHash,
  pickJobs,
  progressShares,
  timelineLanes,
  visibleRange,
} from '../../src/viewer/app/format.js';
import { liveText } from '../../src/viewer/app/pace-text.js';
import { thumbUrl } from '../../src/viewer/app/thumbs.js';
import { LoginCodes } from '../../src/viewer/login-codes.js';

const task = (over: Partial<TaskView>): TaskView => ({
  id: 1,
  name: 'frame 7',
  stage: 'render',
  state: 'done',
  frames: [7],
  attempts: 1,
  tries: 2,
  agentId: 'a',
  node: 'node1',
  gpu: '0',
  startedAt: 1000,
  finishedAt: 2000,
  frameSeconds: { '7': 1.5 },
  files: ['output/frame_0007.png', 'thumbs/frame_0007.jpg'],
  error: null,
  errorTail: [],
  ...over,
});

describe('viewer helpers', () => {
  it('formats durations, rates and progress shares for the job table', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(progressShares({ total: 4, done: 2, failed: 1, leased: 1, queued: 0 })).toEqual({
      done: 50,
      failed: 25,
      cancelled: 0,
      leased: 25,
    });
    expect(
      progressShares({ total: 4, done: 2, failed: 0, leased: 0, queued: 0, cancelled: 2 }),
    ).toMatchObject({ failed: 0, cancelled: 50 });
  });

  it('filters the jobs list by words and state and sorts it by a column', () => {
    const job = (id: string, name: string, state: string, createdAt: number, done = 0) => ({
      id,
      name,
      kind: 'blender',
      state,
      createdAt,
      finishedAt: state === 'running' ? null : createdAt + 1000 * Number(id.slice(1)),
      progress: { total: 10, done, failed: 0, leased: 0, queued: 10 - done },
    });
    const jobs = [
      job('j1', 'shot A', 'succeeded', 100, 10),
      job('j2', 'shot B', 'running', 200, 3),
      job('j3', 'turntable', 'failed', 300, 5),
    ];
    const ids = (o: Parameters<typeof pickJobs>[1]) =>
      pickJobs(jobs, { now: 10_000, ...o }).map((j) => j.id);
    expect(ids({})).toEqual(['j3', 'j2', 'j1']);
    expect(ids({ text: 'shot' })).toEqual(['j2', 'j1']);
    expect(ids({ text: 'SHOT running' })).toEqual(['j2']);
    expect(ids({ state: 'failed' })).toEqual(['j3']);
    expect(ids({ sort: 'name', descending: false })).toEqual(['j1', 'j2', 'j3']);
    expect(ids({ sort: 'progress' })).toEqual(['j1', 'j3', 'j2']);
    expect(ids({ sort: 'duration' })).toEqual(['j2', 'j3', 'j1']);
  });

  it('reads login codes and routes from the fragment', () => {
    expect(parseHash('#code=Ab_-9')).toEqual({ view: 'login', code: 'Ab_-9' });
    expect(parseHash('#code=<x>')).toEqual({ view: 'jobs' });
    expect(parseHash('#code=Ab&job=j7')).toEqual({ view: 'login', code: 'Ab', job: 'j7' });
    expect(parseHash('#/job/j12')).toEqual({ view: 'job', id: 'j12' });
    expect(parseHash('#/cluster')).toEqual({ view: 'cluster' });
    expect(parseHash('')).toEqual({ view: 'jobs' });
  });

  it('finds each frame its thumbnail, full frame and render time', () => {
    expect(framesOf(task({}))).toEqual([
      {
        frame: 7,
        taskId: 1,
        state: 'done',
        thumb: 'thumbs/frame_0007.jpg?v=2000',
        full: 'output/frame_0007.png',
        seconds: 1.5,
        error: null,
        errorTail: [],
        finishedAt: 2000,
        node: 'node1',
        gpu: '0',
        live: null,
      },
    ]);
    expect(
      framesOf(task({ frames: [1, 2], files: [], frameSeconds: {} })).map((f) => [
        f.frame,
        f.thumb,
        f.seconds,
      ]),
    ).toEqual([
      [1, null, null],
      [2, null, null],
    ]);
  });

  it('shows how far a rendering frame is on that frame only, from its start', () => {
    const progress = {
      fraction: 0.75,
      activity: 'Sample 32/64',
      frame: 2,
      frameFraction: 0.5,
      frameStartedAt: 5000,
      at: 6000,
    };
    const running = task({
      state: 'leased',
      frames: [1, 2],
      files: [],
      frameSeconds: {},
      progress,
    });
    expect(framesOf(running).map((f) => f.live)).toEqual([
      null,
      { fraction: 0.5, startedAt: 5000 },
    ]);
    // A one-frame task whose agent named no frame: its frame, from the task's start.
    const single = task({
      state: 'leased',
      startedAt: 4000,
      progress: { ...progress, frame: null, frameStartedAt: null },
    });
    expect(framesOf(single)[0]!.live).toEqual({ fraction: 0.5, startedAt: 4000 });
    expect(framesOf(task({ progress }))[0]!.live).toBeNull();
    expect(liveText(progress, 36_000)).toBe('frame 2 50%, 31 s');
    expect(liveText({ ...progress, activity: 'Compositing', frameFraction: 1 }, 6000, false)).toBe(
      '99% compositing, 1 s',
    );
  });

  it('gives a thumbnail a URL that changes when its frame is rendered again', () => {
    const first = framesOf(task({}))[0]!.thumb!;
    const again = framesOf(task({ finishedAt: 9000, attempts: 2 }))[0]!.thumb!;
    expect(thumbUrl('j3', first)).toBe('/api/jobs/j3/files/thumbs/frame_0007.jpg?v=2000');
    expect(thumbUrl('j3', again)).toBe('/api/jobs/j3/files/thumbs/frame_0007.jpg?v=9000');
    // No finish time, no version: the coordinator then lets the browser keep nothing.
    const unversioned = framesOf(task({ finishedAt: null }))[0]!.thumb!;
    expect(thumbUrl('j3', unversioned)).toBe('/api/jobs/j3/files/thumbs/frame_0007.jpg');
    // A name is encoded; only a trailing `?v=<digits>` is a version.
    expect(thumbUrl('j 3', 'thumbs/a?b#c.jpg')).toBe('/api/jobs/j%203/files/thumbs/a%3Fb%23c.jpg');
  });

  it('draws only the rows in view of a 10,000-frame grid', () => {
    expect(
      visibleRange({ scrollTop: 0, viewHeight: 330, rowHeight: 76, columns: 7, total: 10_000 }),
    ).toEqual({ first: 0, last: 49 });
    const mid = visibleRange({
      scrollTop: 76 * 700,
      viewHeight: 330,
      rowHeight: 76,
      columns: 7,
      total: 10_000,
    });
    expect(mid).toEqual({ first: 698 * 7, last: 707 * 7 });
    expect(
      visibleRange({ scrollTop: 1e9, viewHeight: 330, rowHeight: 76, columns: 7, total: 10_000 })
        .last,
    ).toBe(10_000);
  });

  it('groups tasks into one timeline lane per node and GPU', () => {
    const lanes = timelineLanes(
      [
        task({ node: 'node2', gpu: '1' }),
        task({ id: 2, node: 'node10', gpu: '0', finishedAt: null }),
        task({ id: 3, startedAt: null }),
      ],
      5000,
    );
    expect(lanes.map((l) => l.key)).toEqual(['node2 / GPU 1', 'node10 / GPU 0']);
    expect(lanes.find((l) => l.key === 'node10 / GPU 0')?.bars[0]?.end).toBe(5000);
  });

  it('splits a server-sent event stream into data payloads, keeping a partial event for later', () => {
    expect(parseSse(': connected\n\ndata: {"a":1}\n\ndata: {"b"')).toEqual({
      events: ['{"a":1}'],
      rest: 'data: {"b"',
    });
    expect(parseSse('data: x\r\n\r\n')).toEqual({ events: ['x'], rest: '' });
  });
});

describe('one-time login codes', () => {
  it('redeems a code once, and never after five minutes', () => {
    let now = 0;
    const codes = new LoginCodes(300_000, () => now);
    const a = codes.mint();
    expect(a.code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(codes.redeem(a.code)).toBe(true);
    expect(codes.redeem(a.code)).toBe(false);
    const b = codes.mint();
    now = 300_000;
    expect(codes.redeem(b.code)).toBe(false);
    expect(codes.redeem('guess')).toBe(false);
  });

  it('puts the code in the URL fragment, which browsers never send to the server', () => {
    expect(viewerUrl('http://127.0.0.1:7070/', 'abc')).toBe('http://127.0.0.1:7070/#code=abc');
    expect(viewerUrl('http://127.0.0.1:7070', 'abc', 'j 7')).toBe(
      'http://127.0.0.1:7070/#code=abc&job=j%207',
    );
    expect(findOnPath('sh', '/nonexistent:/bin')).toBe('/bin/sh');
    expect(findOnPath('pcluster-not-here', '/bin')).toBeUndefined();
  });
});
