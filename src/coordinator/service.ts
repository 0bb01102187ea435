import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { UserDirectory } from './users/user-directory.js';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { advertisedHost } from '../net/host-address.js';
import { packagePath } from '../paths.js';
import { SlurmClient } from '../slurm/client.js';
import { slurmCommandLog } from './slurm-log.js';
import { SlurmAllocator } from './allocations/slurm-allocator.js';
import { reconcileAllocations, reconcileNeeded } from './allocations/reconcile.js';
import { Coordinator, DEFAULT_CONFIG, type CoordinatorConfig } from './core.js';
import { EventBus } from './events.js';
import { buildServer } from './http/server.js';
import { NoticeDelivery } from './notify/delivery.js';
import { FarmMetrics } from './metrics/farm-metrics.js';
import { notifyKey } from '../api/notify.js';
import { prepareStateDir } from './state-dir.js';
import { SqliteStore } from './store/sqlite-store.js';
import { jobSummary } from './views.js';
import { registerViewerRoutes } from '../viewer/routes.js';

export interface StartOptions extends Partial<Omit<CoordinatorConfig, 'stateDir'>> {
  stateDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** slurm.conf for Slurm's commands (default: the environment's). */
  slurmConf?: string;
  partition?: string;
  /** Address agents use to reach this coordinator (default http://host:port; for 0.0.0.0 this host's own address). */
  advertiseUrl?: string;
  synchronous?: 'NORMAL' | 'FULL';
  /** How often to compare allocations with Slurm (ms, default 1000). */
  reconcileMs?: number;
  /** How often the autoscaling policy looks at jobs (ms, default 2000). */
  autoscaleMs?: number;
  log?: (line: string) => void;
  extendServer?: (app: FastifyInstance, c: Coordinator) => void | Promise<void>;
}

export interface RunningCoordinator {
  url: string;
  token: string;
  coordinator: Coordinator;
  server: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Opens the state, recovers (leases get time for agents to reconnect; Slurm jobs are found again
 * by name), serves the API, and runs the sweep and reconcile loops until closed.
 */
export async function startCoordinator(o: StartOptions): Promise<RunningCoordinator> {
  const log = o.log ?? (() => {});
  const state = prepareStateDir(o.stateDir);
  const store = new SqliteStore(state.db, { synchronous: o.synchronous });
  new UserDirectory(o.stateDir).prepare();
  const cfg: CoordinatorConfig = { ...DEFAULT_CONFIG, ...stripUndefined(o), stateDir: o.stateDir };
  const host = o.host ?? '127.0.0.1';
  const metrics = new FarmMetrics(store.counts, () => store.notices.pending());
  const client = new SlurmClient({
    slurmConf: o.slurmConf,
    timeoutMs: 30_000,
    onCommand: slurmCommandLog(log),
    onTimed: (command, seconds, ok) =>
      metrics.slurmCalls.observe(seconds, { command, outcome: ok ? 'ok' : 'error' }),
  });

  let url = '';
  const allocator = new SlurmAllocator({
    client,
    instance: state.instance,
    get coordinatorUrl() {
      return url;
    },
    agentCommand: [process.execPath, packagePath('dist', 'agent', 'main.js')],
    partition: o.partition,
  });
  const bus = new EventBus((jobId) => {
    const job = store.jobs.get(jobId);
    return job ? { type: 'job:updated', jobId, summary: jobSummary(store, job) } : undefined;
  });
  const coordinator = new Coordinator(store, allocator, bus, cfg, Date.now, {
    log,
    metrics,
    allocationOutput: (job, slurmJobId) => {
      const file = path.join(job.dir, 'logs', `slurm-${slurmJobId}.out`);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
  });

  // After a restart, give agents time to reconnect before their leases or silence count as lost.
  const now = Date.now();
  store.tasks.extendLeases(now + cfg.leaseMs * 2);
  store.agents.touchLive(now);

  const server = await buildServer(coordinator, {
    userToken: state.token,
    extend: async (app) => (
      registerViewerRoutes(app, coordinator),
      await o.extendServer?.(app, coordinator)
    ),
  });
  await server.listen({ host, port: o.port ?? 7070 });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? 7070);
  url = o.advertiseUrl ?? `http://${advertisedHost(host)}:${port}`;
  writeFileSync(
    state.addressFile,
    JSON.stringify({ url, pid: process.pid, startedAt: now }) + '\n',
    // Not a secret: other users' CLIs read it to find the coordinator (their token is their own).
    { mode: 0o644 },
  );
  chmodSync(state.addressFile, 0o644);
  log(`coordinator listening on ${url} (state in ${o.stateDir})`);

  let reconciling = false;
  let reconciled = false;
  const reconcile = async () => {
    if (reconciling || (reconciled && !reconcileNeeded(coordinator.reconcilePorts))) return;
    reconciling = true;
    reconciled = true;
    try {
      await reconcileAllocations(coordinator.reconcilePorts);
    } catch (err) {
      log(`reconcile: ${(err as Error).message}`);
    } finally {
      reconciling = false;
    }
  };
  await reconcile();
  // The sweep judges leases and agents by the clock, so it first checks its own: a tick that
  // comes far later than asked means this process did not run (SIGSTOP, a suspended VM).
  let lastTick = performance.now();
  const sweepTimer = setInterval(() => {
    try {
      const tick = performance.now();
      const gap = tick - lastTick;
      lastTick = tick;
      coordinator.sweepTick(gap > SWEEP_GAP_MS ? gap : 0);
    } catch (err) {
      log(`sweep: ${(err as Error).message}`);
    }
  }, SWEEP_MS);
  const reconcileTimer = setInterval(() => void reconcile(), o.reconcileMs ?? 1000);
  const autoscaler = coordinator.autoscaler;
  let scaling = false;
  const autoscaleTimer = setInterval(() => {
    if (scaling) return;
    scaling = true;
    void autoscaler.tick().finally(() => (scaling = false));
  }, o.autoscaleMs ?? 2000);
  const delivery = new NoticeDelivery({
    notices: store.notices,
    key: notifyKey(state.token),
    record: coordinator.record,
    now: Date.now,
  });
  const deliveryTimer = setInterval(
    () => void delivery.tick().catch((err: Error) => log(`notify: ${err.message}`)),
    NOTIFY_MS,
  );

  return {
    url,
    token: state.token,
    coordinator,
    server,
    async close() {
      clearInterval(sweepTimer);
      clearInterval(reconcileTimer);
      clearInterval(autoscaleTimer);
      clearInterval(deliveryTimer);
      bus.close();
      // A viewer's event streams never end by themselves: requests in flight get a moment to
      // finish, then every connection still open is closed, so SIGTERM ends the process at once.
      const closing = server.close();
      const late = setTimeout(() => server.server.closeAllConnections(), CLOSE_GRACE_MS);
      await closing;
      clearTimeout(late);
      store.close();
      rmSync(path.join(o.stateDir, 'coordinator.json'), { force: true });
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** How long requests in flight may take to finish when the coordinator stops. */
const CLOSE_GRACE_MS = 3_000;

/** How often the outbox of job-end messages is looked at. */
const NOTIFY_MS = 1_000;

/** How often expired leases and silent agents are looked for. */
const SWEEP_MS = 500;
/** A sweep this much later than due means the coordinator itself was not running. */
const SWEEP_GAP_MS = 5_000;
