/** Polling commands (squeue, sinfo) run every second or so: log each at most once a minute. */
const POLL_LOG_MS = 60_000;

/**
 * Logs each Slurm command line as a user could paste it. Commands that change something
 * (sbatch, scancel, scontrol update) are logged every time; read-only polls once a minute.
 */
export function slurmCommandLog(
  log: (line: string) => void,
  now: () => number = Date.now,
): (line: string) => void {
  const lastLogged = new Map<string, number>();
  return (line) => {
    const changes = /^(sbatch|scancel|scontrol update|scontrol requeue)\b/.test(line);
    if (!changes) {
      const t = now();
      if (t - (lastLogged.get(line) ?? -Infinity) < POLL_LOG_MS) return;
      lastLogged.set(line, t);
      if (lastLogged.size > 100) lastLogged.clear();
    }
    log(`slurm: ${line}${changes ? '' : ' (polled; logged once a minute)'}`);
  };
}
