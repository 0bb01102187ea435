import { readFileSync } from 'node:fs';
import { SlurmClient } from '../slurm/client.js';
import { mungeSpec, slurmctldSpec, slurmdSpec, type DaemonSpec } from './daemons.js';
import { clusterLayout, type ClusterLayout } from './layout.js';
import { isMark } from './marker.js';
import { nodeNames, type LocalClusterOptions } from './options.js';
import { pidFileProcess } from './procs.js';
import { StartedProcesses } from './started-processes.js';

/** What a cluster directory records about the cluster it holds. */
export interface ClusterRecord extends Omit<LocalClusterOptions, 'dir'> {
  createdAt: string;
  /** The value of MARK_VARIABLE in this cluster's tasks; absent in clusters made before marks. */
  mark?: string;
}

/** The pid of each daemon of the cluster that runs now (undefined: not running). */
export interface DaemonState {
  munged: number | undefined;
  slurmctld: number | undefined;
  slurmd: Record<string, number | undefined>;
}

/** A local Slurm cluster rooted at one directory. */
export class LocalCluster {
  readonly layout: ClusterLayout;
  /** The processes `up` started for this cluster, by pid and start time. */
  readonly started: StartedProcesses;
  constructor(readonly dir: string) {
    this.layout = clusterLayout(dir);
    this.started = new StartedProcesses(this.layout.startedFile);
  }

  /** The client that talks to this cluster (through the controller's prefix when it has one). */
  client(timeoutMs?: number): SlurmClient {
    return new SlurmClient({
      slurmConf: this.layout.slurmConf,
      timeoutMs,
      via: this.record()?.placement?.controllerVia,
    });
  }

  /** The recorded shape, if `up` ever ran here. */
  record(): ClusterRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.layout.stateFile, 'utf8')) as ClusterRecord;
    } catch {
      return undefined;
    }
  }

  /** The mark every task of this cluster carries, if its record has a well-formed one. */
  mark(): string | undefined {
    const mark = this.record()?.mark;
    return isMark(mark) ? mark : undefined;
  }

  /** Which daemons run now, for the recorded nodes unless `nodes` is given. */
  daemons(nodes: string[] = nodeNames({ nodes: this.record()?.nodes ?? 0 })): DaemonState {
    const l = this.layout;
    return {
      munged: this.daemon(mungeSpec(l)),
      slurmctld: this.daemon(slurmctldSpec(l)),
      slurmd: Object.fromEntries(nodes.map((n) => [n, this.daemon(slurmdSpec(l, n))])),
    };
  }

  /** True when munge, slurmctld and every slurmd of the recorded shape are running. */
  isRunning(): boolean {
    const d = this.daemons();
    return (
      d.munged !== undefined &&
      d.slurmctld !== undefined &&
      Object.values(d.slurmd).every((p) => p !== undefined)
    );
  }

  /**
   * The pid of the daemon `d` describes, if it runs. What `up` recorded decides; the daemon's own
   * pid file counts too (a cluster started before `up` recorded its daemons), but only for that
   * program run on this cluster's own files.
   */
  daemon(d: DaemonSpec): number | undefined {
    return this.started.live(d.role) ?? pidFileProcess(d.pidFile, d.program, d.ownArg);
  }
}
