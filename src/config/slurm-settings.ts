/**
 * Slurm parameters ParallelCluster refuses in `CustomSlurmSettings` because it manages them
 * itself (the "deny list" in the ParallelCluster 3 Slurm configuration customization docs).
 * cluster-tool never emits these; `config check` reports them in a user's file.
 */
export const DENIED_CUSTOM_SLURM_SETTINGS: ReadonlySet<string> = new Set(
  [
    'CommunicationParameters',
    'Epilog',
    'GresTypes',
    'LaunchParameters',
    'PrologFlags',
    'ReconfigFlags',
    'ResumeFailProgram',
    'ResumeProgram',
    'ResumeTimeout',
    'SlurmctldHost',
    'SlurmctldLogFile',
    'SlurmctldParameters',
    'SlurmdLogFile',
    'SlurmUser',
    'SuspendExcNodes',
    'SuspendProgram',
    'SuspendTime',
    'TaskPlugin',
    'TreeWidth',
    'SuspendTimeout',
    'ClusterName',
    'AccountingStorageType',
    'AccountingStorageHost',
    'AccountingStoragePort',
    'AccountingStorageUser',
    'JobAcctGatherType',
    'CPUs',
    'RealMemory',
    'State',
    'Feature',
    'Gres',
    'NodeAddr',
    'NodeHostname',
    'NodeName',
    'Nodes',
    'PartitionName',
  ].map((k) => k.toLowerCase()),
);

/** Whether ParallelCluster rejects this key in CustomSlurmSettings (Slurm keys are case-insensitive). */
export function isDeniedSlurmSetting(key: string): boolean {
  return DENIED_CUSTOM_SLURM_SETTINGS.has(key.toLowerCase());
}
