/**
 * Slurm host lists: `node[1-3,5]`, `q1-dy-p38xlarge-[1-2]`, `a,b[01-02]`. Expansion keeps zero
 * padding as Slurm does.
 */
export function expandHostlist(list: string): string[] {
  const out: string[] = [];
  for (const item of splitTopLevel(list.trim())) {
    if (item === '' || item === '(null)') continue;
    const m = /^([^[\]]*)\[([^\]]+)\](.*)$/.exec(item);
    if (!m) {
      out.push(item);
      continue;
    }
    const [, prefix = '', ranges = '', rest = ''] = m;
    for (const part of ranges.split(',')) {
      const [lo = '', hi = lo] = part.split('-');
      const width = lo.length;
      const start = Number(lo);
      const end = Number(hi);
      if (!Number.isInteger(start) || !Number.isInteger(end) || end < start) {
        throw new Error(`bad host range "${part}" in "${list}"`);
      }
      for (let i = start; i <= end; i++) {
        for (const tail of expandHostlist(rest || ''))
          out.push(prefix + String(i).padStart(width, '0') + tail);
        if (!rest) out.push(prefix + String(i).padStart(width, '0'));
      }
    }
  }
  return out;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/** Compresses names into a Slurm host list: node1,node2,node3,node5 -> node[1-3,5]. */
export function compressHostlist(names: readonly string[]): string {
  const groups = new Map<string, { width: number; nums: number[] }>();
  const plain: string[] = [];
  for (const name of names) {
    const m = /^(.*?)(\d+)$/.exec(name);
    if (!m) {
      plain.push(name);
      continue;
    }
    const [, prefix = '', digits = ''] = m;
    const width = digits.startsWith('0') ? digits.length : 0;
    const key = `${prefix}\0${width}`;
    const g = groups.get(key) ?? { width, nums: [] };
    g.nums.push(Number(digits));
    groups.set(key, g);
  }
  const out = [...plain];
  for (const [key, g] of groups) {
    const prefix = key.split('\0')[0] ?? '';
    const nums = [...new Set(g.nums)].sort((a, b) => a - b);
    const pad = (n: number) => String(n).padStart(g.width, '0');
    if (nums.length === 1) {
      out.push(prefix + pad(nums[0] ?? 0));
      continue;
    }
    const ranges: string[] = [];
    let start = nums[0] ?? 0;
    let prev = start;
    for (const n of [...nums.slice(1), Number.NaN]) {
      if (n === prev + 1) {
        prev = n;
        continue;
      }
      ranges.push(start === prev ? pad(start) : `${pad(start)}-${pad(prev)}`);
      start = n;
      prev = n;
    }
    out.push(`${prefix}[${ranges.join(',')}]`);
  }
  return out.join(',');
}
