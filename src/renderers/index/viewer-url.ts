const VIEWER_LINE =
  /\[viewer\] Application layer viewer server is running at (https?:\/\/[^\s/]+(?::\d+)?\/?)/;

/**
 * The viewer address from one line of IndeX's output, e.g.
 * `[viewer] Application layer viewer server is running at http://10.0.0.5:8080`; null for
 * any other line. srun's `--label` prefix ("0: ") and a trailing "/" or "\r" are tolerated.
 */
export function parseViewerUrl(line: string): string | null {
  const m = VIEWER_LINE.exec(line);
  return m?.[1]?.replace(/\/$/, '') ?? null;
}

/** The first viewer address in a block of output (a log file's text), or null. */
export function findViewerUrl(output: string): string | null {
  for (const line of output.split(/\r?\n/)) {
    const url = parseViewerUrl(line);
    if (url) return url;
  }
  return null;
}
