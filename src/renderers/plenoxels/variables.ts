import { UsageError } from '../../errors.js';
import { evaluateGenerator, parseGenerator } from './generators.js';
import { isPyDict, PyFloat, pyTypeName, type PyValue } from './py-values.js';

/** One setting of every variable: one element of the product autotune.py iterates. */
export type Combination = Record<string, PyValue>;

function valuesOf(name: string, value: PyValue, random: () => number): PyValue[] {
  const field = `variables.${name}`;
  if (Array.isArray(value)) return value;
  if (isPyDict(value)) return [value];
  if (typeof value === 'string') return evaluateGenerator(parseGenerator(value, field), random);
  throw new UsageError(
    `${field}: a variable must be a list of values or a generator string such as "loglin(1e-3, 1e-1, 5)", got ${pyTypeName(value)}`,
  );
}

function gaussian(random: () => number): number {
  // Box-Muller; 1 - u keeps the logarithm finite
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * autotune.py's create_prodvars: the Cartesian product of every variable's values, in the
 * order the variables are written, the last one changing fastest. A variable with a non-zero
 * entry in `noises` gets Gaussian noise of that standard deviation added to each value.
 */
export function productOfVariables(
  variables: Record<string, PyValue>,
  noises: Record<string, PyValue>,
  random: () => number = Math.random,
): Combination[] {
  const names = Object.keys(variables);
  const lists = names.map((n) => valuesOf(n, variables[n] as PyValue, random));
  let combos: PyValue[][] = [[]];
  for (const list of lists) combos = combos.flatMap((c) => list.map((v) => [...c, v]));
  return combos.map((values) => {
    const combo: Combination = {};
    names.forEach((name, i) => {
      combo[name] = addNoise(name, values[i] as PyValue, noises[name], random);
    });
    return combo;
  });
}

function addNoise(
  name: string,
  value: PyValue,
  std: PyValue | undefined,
  random: () => number,
): PyValue {
  if (std === undefined) return value;
  const s = std instanceof PyFloat ? std.value : typeof std === 'number' ? std : NaN;
  if (Number.isNaN(s))
    throw new UsageError(`noises.${name}: must be a number (a standard deviation)`);
  if (s === 0) return value;
  const base = value instanceof PyFloat ? value.value : typeof value === 'number' ? value : NaN;
  if (Number.isNaN(base)) {
    throw new UsageError(
      `noises.${name}: variable ${name} has a ${pyTypeName(value)} value; noise needs numbers`,
    );
  }
  const n = gaussian(random) * s;
  return n !== 0 ? new PyFloat(base + n) : value;
}
