import { UsageError } from '../../errors.js';
import { exactExp, exactLog } from './exact-math.js';
import { PyFloat } from './py-values.js';

/** The four value generators autotune.py accepts in a variable's string value. */
export type GeneratorName = 'lin' | 'loglin' | 'randlin' | 'randloglin';

/** A generator call parsed from a string such as `"loglin(5e-7, 5e-2, 10)"`. */
export interface GeneratorCall {
  name: GeneratorName;
  start: number;
  stop: number;
  num: number;
}

const NAMES: readonly GeneratorName[] = ['lin', 'loglin', 'randlin', 'randloglin'];
const NUM = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const CALL = new RegExp(
  String.raw`^\s*([A-Za-z_]\w*)\s*\(\s*(${NUM})\s*,\s*(${NUM})\s*,\s*(${NUM})\s*,?\s*\)\s*$`,
);
const USAGE =
  'expected lin(start, stop, num), loglin(...), randlin(...) or randloglin(...) with number arguments';

/**
 * Parses a generator string with a small grammar of our own: one of the four names and three
 * number literals. Nothing is evaluated, so any other Python expression is an error.
 */
export function parseGenerator(text: string, field: string): GeneratorCall {
  const m = CALL.exec(text);
  if (!m) throw new UsageError(`${field}: ${JSON.stringify(text)} is not a generator; ${USAGE}`);
  const [, name = '', a = '', b = '', c = ''] = m;
  if (!(NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`${field}: unknown generator ${JSON.stringify(name)}; ${USAGE}`);
  }
  // numpy.linspace wants an integer count (operator.index), as Python would insist
  if (!/^[+]?\d+$/.test(c)) throw new UsageError(`${field}: num must be a whole number, got ${c}`);
  const call: GeneratorCall = {
    name: name as GeneratorName,
    start: Number(a),
    stop: Number(b),
    num: Number(c),
  };
  const random = call.name.startsWith('rand');
  if (call.num < (random ? 2 : 1)) {
    throw new UsageError(`${field}: ${call.name} needs num >= ${random ? 2 : 1} (got ${call.num})`);
  }
  if (call.name.endsWith('loglin') && !(call.start > 0 && call.stop > 0)) {
    throw new UsageError(
      `${field}: ${call.name} needs start and stop above 0 (it spaces values by their logarithm)`,
    );
  }
  return call;
}

/** numpy.linspace(start, stop, num) with endpoint=True, step for step as numpy computes it. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

function jitter(values: number[], random: () => number): number[] {
  const lst = values.slice(0, -1);
  const width = (lst[1] ?? 0) - (lst[0] ?? 0);
  return lst.map((v) => v + width * random());
}

/**
 * Evaluates a generator call to Python floats, exactly as autotune.py's helpers do (the random
 * ones draw from `random`, uniform in [0, 1), instead of numpy's generator).
 */
export function evaluateGenerator(
  call: GeneratorCall,
  random: () => number = Math.random,
): PyFloat[] {
  const { start, stop, num } = call;
  let values: number[];
  switch (call.name) {
    case 'lin':
      values = linspace(start, stop, num);
      break;
    case 'loglin':
      values = linspace(exactLog(start), exactLog(stop), num).map(exactExp);
      break;
    case 'randlin':
      values = jitter(linspace(start, stop, num + 1), random);
      break;
    case 'randloglin':
      values = jitter(linspace(exactLog(start), exactLog(stop), num + 1), random).map(exactExp);
      break;
  }
  return values.map((v) => new PyFloat(v));
}
