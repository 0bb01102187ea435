import { describe, expect, it } from 'vitest';
import { resolveFormatString } from '../../src/openjd/format-string.js';

const scope: Record<string, { type: string; value: string }> = {
  'Param.Out': { type: 'PATH', value: "/renders/it's here" },
  'Param.Shot': { type: 'STRING', value: 'sh010' },
};
const ev = (s: string) => resolveFormatString(`{{ ${s} }}`, (n) => scope[n]);

describe('repr_* functions', () => {
  it('quote for a POSIX shell as shlex.quote does, a list item by item', () => {
    expect(ev('repr_sh(Param.Shot)')).toEqual({ value: 'sh010' });
    expect(ev("repr_sh('')")).toEqual({ value: "''" });
    expect(ev('repr_sh(Param.Out)')).toEqual({ value: `'/renders/it'"'"'s here'` });
    expect(ev("repr_sh(['a b', 'c', 3])")).toEqual({ value: "'a b' c 3" });
    expect(ev("repr_sh('$HOME; rm -rf /')")).toEqual({ value: "'$HOME; rm -rf /'" });
  });

  it('write Python and JSON literals', () => {
    expect(ev("repr_py('a\\'b')")).toEqual({ value: `"a'b"` });
    expect(ev("repr_py(['x', 1, 2.5, true, null])")).toEqual({
      value: "['x', 1, 2.5, True, None]",
    });
    expect(ev("repr_py('line\\nnext')")).toEqual({ value: "'line\\nnext'" });
    expect(ev("repr_json(['x', 1, null])")).toEqual({ value: '["x", 1, null]' });
  });
});
