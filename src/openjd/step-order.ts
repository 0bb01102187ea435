/**
 * Step dependency order (2023-09 Template Schemas §3.2): a step runs once every step it
 * `dependsOn` has completed.
 */

/** A step as ordering needs it. */
export interface StepLinks {
  name: string;
  dependencies?: readonly { dependsOn: string }[];
}

/**
 * The steps in an order that runs each after its dependencies, ties kept in template order; or
 * the steps of a cycle when there is one.
 */
export function orderSteps(all: readonly StepLinks[]): { order: string[] } | { cycle: string[] } {
  // A repeated name is reported by validation; order the first step of each name.
  const steps = all.filter((s, i) => all.findIndex((o) => o.name === s.name) === i);
  const deps = new Map(steps.map((s) => [s.name, (s.dependencies ?? []).map((d) => d.dependsOn)]));
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < steps.length) {
    const next = steps.find(
      (s) =>
        !done.has(s.name) && (deps.get(s.name) ?? []).every((d) => done.has(d) || !deps.has(d)),
    );
    if (!next)
      return {
        cycle: findCycle(
          steps.filter((s) => !done.has(s.name)).map((s) => s.name),
          deps,
        ),
      };
    done.add(next.name);
    order.push(next.name);
  }
  return { order };
}

/** A cycle among the `remaining` steps, as the path A, B, ..., A. */
function findCycle(remaining: string[], deps: Map<string, string[]>): string[] {
  const left = new Set(remaining);
  let cur = remaining[0] as string;
  const seen: string[] = [];
  while (!seen.includes(cur)) {
    seen.push(cur);
    cur = (deps.get(cur) ?? []).find((d) => left.has(d)) as string;
  }
  return [...seen.slice(seen.indexOf(cur)), cur];
}
