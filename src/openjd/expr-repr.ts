import { floatText, rangeText, type Value } from './expr-value.js';

/**
 * The `repr_*` functions of RFC 0006 that Linux hosts need: a value written as a literal of the
 * language it is pasted into. `repr_sh` quotes as Python's `shlex.quote` does (a list becomes its
 * items quoted and joined with spaces, ready for `for f in {{ repr_sh(files) }}`); `repr_py`
 * writes a Python literal; `repr_json` JSON. `repr_cmd` and `repr_pwsh` write for Windows'
 * `cmd.exe` (.bat files) and PowerShell, for templates whose Windows steps run elsewhere.
 */

/** A string's or path's text; a range_expr's canonical text (it is written as a string). */
const textOf = (v: Extract<Value, { t: 'string' | 'path' | 'range_expr' }>): string =>
  v.t === 'range_expr' ? rangeText(v) : v.v;

const SH_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

function shQuote(s: string): string {
  if (s === '') return "''";
  if (SH_SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function scalarText(v: Value): string {
  switch (v.t) {
    case 'null':
      return '';
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'int':
      return String(v.v);
    case 'float':
      return floatText(v);
    case 'list':
      throw new Error('a list inside a list cannot be written for a shell');
    default:
      return textOf(v);
  }
}

function pyString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === q) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${q}${out}${q}`;
}

function py(v: Value): string {
  switch (v.t) {
    case 'null':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'list':
      return `[${v.v.map(py).join(', ')}]`;
    case 'int':
    case 'float':
      return scalarText(v);
    default:
      return pyString(textOf(v));
  }
}

/** A JSON string as Python's json.dumps writes it (every character past ASCII escaped). */
function jsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** JSON text as Python's json.dumps writes it (`[1, 2]`); an int with all its digits. */
function json(v: Value): string {
  if (v.t === 'null') return 'null';
  if (v.t === 'list') return `[${v.v.map(json).join(', ')}]`;
  if (v.t === 'int' || v.t === 'bool') return String(v.v);
  if (v.t === 'float') return floatText(v);
  return jsonString(textOf(v));
}

// characters cmd.exe treats specially (or whitespace): the text is then double-quoted
const CMD_SPECIAL = /[&|<>^"()%!\s]/;

/** A string for cmd.exe: newlines dropped (no escape can hold one), quoted when special. */
function cmdQuote(raw: string): string {
  const s = raw.replace(/[\r\n]/g, '');
  if (s === '') return '""';
  if (!CMD_SPECIAL.test(s)) return s;
  const body = s.replace(/[\^"%!]/g, (c) =>
    c === '^' ? '^^' : c === '"' ? '^"' : c === '%' ? '%%' : '^^!',
  );
  return `"${body}"`;
}

/** A PowerShell literal: strings single-quoted, `$true`/`$false`, a list as `@(…)`. */
function pwsh(v: Value): string {
  switch (v.t) {
    case 'null':
      return '$null';
    case 'bool':
      return v.v ? '$true' : '$false';
    case 'int':
    case 'float':
      return scalarText(v);
    case 'list':
      return `@(${v.v.map(pwsh).join(', ')})`;
    default:
      return `'${textOf(v).replace(/'/g, "''")}'`;
  }
}

function one(args: Value[]): Value {
  if (args.length !== 1) throw new Error(`takes 1 argument(s), not ${args.length}`);
  return args[0] as Value;
}

const str = (v: string): Value => ({ t: 'string', v });

export const REPR_FUNCTIONS: Readonly<Record<string, (args: Value[]) => Value>> = {
  repr_sh: (a) => {
    const v = one(a);
    return str(
      v.t === 'list' ? v.v.map((x) => shQuote(scalarText(x))).join(' ') : shQuote(scalarText(v)),
    );
  },
  repr_cmd: (a) => {
    const v = one(a);
    return str(
      v.t === 'list' ? v.v.map((x) => cmdQuote(scalarText(x))).join(' ') : cmdQuote(scalarText(v)),
    );
  },
  repr_pwsh: (a) => str(pwsh(one(a))),
  repr_py: (a) => str(py(one(a))),
  repr_json: (a) => str(json(one(a))),
};
