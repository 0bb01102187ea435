// Correctly rounded exp and log. numpy's exp/log (and glibc's) return the correctly rounded
// result for the values a learning-rate sweep uses, while V8's Math.exp/Math.log are off by one
// unit in the last place for about one value in ten; that last bit shows in Python's repr and so
// in the train_dir names autotune.py would choose. Computed in 200-bit fixed point with BigInt.

const F = 200n;
const ONE = 1n << F;

function decompose(x: number): { mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  // value = mant * 2^exp exactly
  return biased === 0
    ? { mant: frac, exp: -1074 }
    : { mant: frac | (1n << 52n), exp: biased - 1075 };
}

/** x (finite, positive or negative) as a fixed-point BigInt scaled by 2^F, truncated. */
function toFixed(x: number): bigint {
  const { mant, exp } = decompose(Math.abs(x));
  const shift = BigInt(exp) + F;
  const v = shift >= 0n ? mant << shift : mant >> -shift;
  return x < 0 ? -v : v;
}

/** The double nearest to n / 2^scale (round half to even). */
function fromFixed(n: bigint, scale: bigint): number {
  const neg = n < 0n;
  let a = neg ? -n : n;
  if (a === 0n) return 0;
  const len = BigInt(a.toString(2).length);
  let shift = 0n;
  if (len > 53n) {
    shift = len - 53n;
    const q = a >> shift;
    const rem = a - (q << shift);
    const half = 1n << (shift - 1n);
    a = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
  }
  const e = Number(shift - scale);
  // two steps so that 2^e itself never overflows or underflows
  const r = Number(a) * 2 ** Math.trunc(e / 2) * 2 ** (e - Math.trunc(e / 2));
  return neg ? -r : r;
}

function atanhFixed(z: bigint): bigint {
  const z2 = (z * z) >> F;
  let power = z;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * z2) >> F;
  }
  return sum;
}

const LN2 = 2n * atanhFixed(ONE / 3n);

/** ln(x), correctly rounded for positive finite x; NaN, -Infinity or Infinity otherwise. */
export function exactLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (!Number.isFinite(x)) return Infinity;
  const { mant, exp } = decompose(x);
  const bits = mant.toString(2).length;
  const e = exp + bits - 1; // x = m * 2^e with m in [1, 2)
  const m = bits - 1 <= Number(F) ? mant << (F - BigInt(bits - 1)) : mant >> (BigInt(bits - 1) - F);
  const z = ((m - ONE) << F) / (m + ONE);
  return fromFixed(BigInt(e) * LN2 + 2n * atanhFixed(z), F);
}

/** e^x, correctly rounded in the normal range; falls back to Math.exp near underflow. */
export function exactExp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.8) return Infinity;
  if (x < -708) return Math.exp(x);
  const fx = toFixed(x);
  const k = (fx + LN2 / 2n) / LN2 - (fx < -LN2 / 2n ? 1n : 0n);
  const r = fx - k * LN2;
  let term = ONE;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 1n) {
    sum += term;
    term = (term * r) / (n << F);
  }
  return fromFixed(sum, F - k);
}
