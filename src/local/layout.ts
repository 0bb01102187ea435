import path from 'node:path';

/** Every file of a local cluster, under one directory. */
export interface ClusterLayout {
  dir: string;
  etcDir: string;
  slurmConf: string;
  gresConf: string;
  /** Run by slurmstepd before each task: puts the cluster's mark into the task's environment. */
  taskProlog: string;
  /** The processes `up` started (daemons, coordinator), by pid and start time. */
  startedFile: string;
  stateFile: string;
  devDir: string;
  stateDir: string;
  spoolDir: string;
  logDir: string;
  runDir: string;
  mungeDir: string;
  mungeKey: string;
  mungeSocket: string;
  mungePid: string;
  mungeLog: string;
  ctldPid: string;
  ctldLog: string;
  slurmdPid: (node: string) => string;
  slurmdLog: (node: string) => string;
}

/** The paths of the cluster rooted at `dir`. */
export function clusterLayout(dir: string): ClusterLayout {
  const p = (...parts: string[]) => path.join(dir, ...parts);
  return {
    dir,
    etcDir: p('etc'),
    slurmConf: p('etc', 'slurm.conf'),
    gresConf: p('etc', 'gres.conf'),
    taskProlog: p('etc', 'task-prolog.sh'),
    startedFile: p('run', 'processes.json'),
    stateFile: p('cluster.json'),
    devDir: p('dev'),
    stateDir: p('state'),
    spoolDir: p('spool'),
    logDir: p('log'),
    runDir: p('run'),
    mungeDir: p('munge'),
    mungeKey: p('munge', 'munge.key'),
    mungeSocket: p('run', 'munge.socket'),
    mungePid: p('munge', 'munged.pid'),
    mungeLog: p('log', 'munged.log'),
    ctldPid: p('run', 'slurmctld.pid'),
    ctldLog: p('log', 'slurmctld.log'),
    slurmdPid: (node) => p('run', `slurmd-${node}.pid`),
    slurmdLog: (node) => p('log', `slurmd-${node}.log`),
  };
}
