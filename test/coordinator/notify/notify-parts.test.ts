import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  notifyKey,
  notifyListProblem,
  shownUrl,
  SIGNATURE_HEADER,
  signNotice,
} from '../../../src/api/notify.js';
import { checkedNotifyUrls } from '../../../src/cli/commands/notify-options.js';
import { Histogram } from '../../../src/coordinator/metrics/prometheus.js';
import { NoticeDelivery } from '../../../src/coordinator/notify/delivery.js';
import { inProcessCoordinator } from '../../helpers/in-process-coordinator.js';

describe('notification URLs', () => {
  it('takes http(s) and refuses the rest, naming what to give', () => {
    expect(notifyListProblem(['https://hooks.example.com/render?secret=1'])).toBeNull();
    expect(notifyListProblem(['http://127.0.0.1:9000/x'])).toBeNull();
    expect(notifyListProblem(['ftp://x/'])).toMatch(/must start with http:\/\/ or https:\/\//);
    expect(notifyListProblem(['not a url'])).toMatch(/is not a URL/);
    expect(notifyListProblem(['https://user:pw@x/'])).toMatch(/must not hold a user name/);
    expect(notifyListProblem(['http://169.254.169.254/latest/'])).toMatch(/link-local/);
    expect(notifyListProblem(['http://[fe80::1]/'])).toMatch(/link-local/);
    expect(notifyListProblem(Array(9).fill('http://x/'))).toMatch(/at most 8/);
    expect(() => checkedNotifyUrls('gopher://x')).toThrow(/^--notify: /);
    expect(checkedNotifyUrls(['http://a/', 'http://b/'])).toEqual(['http://a/', 'http://b/']);
  });

  it('shows no query (where a receiver keeps its secret) in the job record', () => {
    expect(shownUrl('https://h.example/hook?token=s3cret')).toBe('https://h.example/hook');
  });

  it('signs with a key derived from the token, which it does not reveal', () => {
    const key = notifyKey('the-user-token');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('the-user-token');
    expect(signNotice(key, '{}')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signNotice(key, '{}')).not.toBe(signNotice(notifyKey('another'), '{}'));
  });
});

describe('the Prometheus text', () => {
  it('writes a histogram of seconds with cumulative buckets', () => {
    const h = new Histogram('x_seconds', 'Some help.');
    h.observe(0.003, { command: 'sbatch' });
    h.observe(2, { command: 'sbatch' });
    const text = h.text();
    expect(text).toContain('# TYPE x_seconds histogram');
    expect(text).toContain('x_seconds_bucket{command="sbatch",le="0.005"} 1');
    expect(text).toContain('x_seconds_bucket{command="sbatch",le="2.5"} 2');
    expect(text).toContain('x_seconds_bucket{command="sbatch",le="+Inf"} 2');
    expect(text).toContain('x_seconds_count{command="sbatch"} 2');
  });
});

describe("delivering a job's end", () => {
  let server: Server | undefined;
  afterEach(() => new Promise((r) => (server ? server.close(r) : r(undefined))));

  it('tries again later, longer each time, until a receiver takes it; then never again', async () => {
    const answers = [500, 503, 204];
    const seen: { signature: string; body: string }[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ signature: String(req.headers[SIGNATURE_HEADER]), body });
        res.writeHead(answers.shift() ?? 204).end();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?secret=x`;

    let clock = 1_000;
    const { c, store } = inProcessCoordinator({ now: () => clock });
    const job = await c.submit(
      { kind: 'command', tasks: '{"id":"t","argv":["true"]}\n', notify: [url] },
      'user',
    );
    c.cancel(job.id, 'user');
    const delivery = new NoticeDelivery({
      notices: store.notices,
      key: 'k',
      record: c.record,
      now: () => clock,
    });
    await delivery.tick();
    expect(seen).toHaveLength(1);
    await delivery.tick(); // not due again yet
    expect(seen).toHaveLength(1);
    clock += 5_000;
    await delivery.tick();
    expect(seen).toHaveLength(2);
    clock += 5_000; // the second wait is 10 s
    await delivery.tick();
    expect(seen).toHaveLength(2);
    clock += 5_000;
    await delivery.tick();
    expect(seen).toHaveLength(3);
    clock += 3_600_000;
    await delivery.tick();
    expect(seen).toHaveLength(3);
    expect(store.notices.pending()).toBe(0);
    expect(seen.every((s) => s.signature === signNotice('k', s.body))).toBe(true);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ jobId: job.id, state: 'cancelled' });
    const events = c.detail(job.id).events.filter((e) => e.type.startsWith('notify:'));
    expect(events.map((e) => e.type)).toEqual([
      'notify:failed',
      'notify:failed',
      'notify:delivered',
    ]);
    expect(events.map((e) => e.message).join(' ')).not.toContain('secret');
  });
});
