/**
 * Lines fitted to a terminal's width at word boundaries, so that a watch never breaks a word
 * (or a path) where the terminal would, and its lines can be counted before they are printed.
 */

/**
 * `line` as lines of at most `width` columns, broken at spaces; each further line keeps the
 * line's indent and two spaces more. A word wider than that is cut. A width under 20 (or none)
 * leaves the line whole.
 */
export function wrapLine(line: string, width: number | undefined): string[] {
  if (width === undefined || width < 20 || line.length <= width) return [line];
  const indent = ' '.repeat(Math.min(/^ */.exec(line)?.[0].length ?? 0, width / 2) + 2);
  const out: string[] = [];
  let rest = line;
  let lead = '';
  while (lead.length + rest.length > width) {
    const room = width - lead.length;
    // The last space that leaves something on this line; none: cut the word at the width.
    const space = rest.lastIndexOf(' ', room);
    const at = space > 0 && rest.slice(0, space).trim() ? space : room;
    out.push((lead + rest.slice(0, at)).trimEnd());
    rest = rest.slice(at).replace(/^ +/, '');
    lead = indent;
  }
  if (rest) out.push(lead + rest);
  return out;
}

/** Every line of `lines` wrapped to `width` (see wrapLine). */
export function wrapLines(lines: readonly string[], width: number | undefined): string[] {
  return lines.flatMap((l) => wrapLine(l, width));
}
