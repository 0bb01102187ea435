/** One step of the rehearsal: a name, and what it does (returning a detail to print). */
export interface Step {
  name: string;
  run: () => Promise<string | void>;
}

/** How the steps went. */
export interface StepReport {
  passed: number;
  total: number;
  failed?: { name: string; error: string };
}

/**
 * Runs steps in order, printing each as it starts and ends; stops at the first failure (each
 * step needs the ones before it) and prints one last line: `rehearsal: N/N steps passed`, or
 * which step failed and where its log is.
 */
export async function runSteps(steps: Step[], logHint: string): Promise<StepReport> {
  const total = steps.length;
  let passed = 0;
  for (const [i, s] of steps.entries()) {
    const started = Date.now();
    process.stdout.write(`[${i + 1}/${total}] ${s.name} ...\n`);
    try {
      const detail = await s.run();
      passed += 1;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`      ok (${secs} s)${detail ? `: ${detail}` : ''}\n`);
    } catch (err) {
      const error = (err as Error).message;
      process.stdout.write(`      FAILED: ${error}\n`);
      process.stdout.write(
        `rehearsal: ${passed}/${total} steps passed; "${s.name}" failed, see ${logHint}\n`,
      );
      return { passed, total, failed: { name: s.name, error } };
    }
  }
  process.stdout.write(`rehearsal: ${passed}/${total} steps passed\n`);
  return { passed, total };
}
