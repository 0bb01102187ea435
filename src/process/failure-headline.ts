/**
 * The one line that says why a process failed: the cause its output names, then how it ended.
 * Every runner (Blender, commands, OpenJD actions, Plenoxels) builds its failure's message here,
 * so the viewer, `status JOB` and the history lead with the same cause; the output's tail is kept
 * beside it, never inside it. Pure: no I/O.
 */

/** Longest cause kept in a headline; the whole line stays in the tail. */
const MAX_CAUSE = 300;

/** Where Python starts a traceback (Blender prefixes it with `Error: Python: `). */
const TRACEBACK = 'Traceback (most recent call last):';

/**
 * Blender's lines that name a failure: its `Error: …` reports (`Error: Cannot read file …`),
 * a render status ending in one (`Fra:1 … | Scene, ViewLayer | Error: …`), and a load failure
 * said without the prefix. Its leak report at exit (`Error: Not freed memory blocks`) and the
 * traceback's own header are not causes.
 */
const BLENDER_ERROR = /^Error: |\|\s*Error\b|\bCannot read file\b/;
const NOT_A_CAUSE = /^Error: (Not freed memory blocks|Python: Traceback)/;

/**
 * A line naming an error of the operating system (a full or read-only disk, a refused write):
 * the cause, where a tool says it before its own last words (ffmpeg's `Error initializing
 * output stream` follows the `No space left on device` that caused it).
 */
const SYSTEM_ERROR =
  /No space left on device|Disk quota exceeded|Read-only file system|Permission denied|Input\/output error|\bE(NOSPC|DQUOT|ROFS|ACCES|IO)\b/;

const cut = (line: string): string => {
  const l = line.trim();
  return l.length > MAX_CAUSE ? `${l.slice(0, MAX_CAUSE - 1)}…` : l;
};

/** The exception line of the last Python traceback in `lines` (`ValueError: …`), if any. */
function tracebackCause(lines: readonly string[]): string | undefined {
  const start = lines.findLastIndex((l) => l.includes(TRACEBACK));
  if (start < 0) return undefined;
  // The frames are indented; the first line after them that is not is the exception.
  return lines.slice(start + 1).find((l) => l.trim() !== '' && !/^\s/.test(l));
}

/** The last line Blender reports an error in, from the `Error` on when a status line holds it. */
function blenderCause(lines: readonly string[]): string | undefined {
  const line = lines.findLast((l) => BLENDER_ERROR.test(l) && !NOT_A_CAUSE.test(l));
  if (line === undefined) return undefined;
  const status = /\|\s*(Error\b.*)$/.exec(line);
  return status?.[1] ?? line;
}

/**
 * The line of a failed process's output that says why, or undefined when none does: a Python
 * traceback's last line, else Blender's error line, else a line naming a system error (a full
 * disk), else the last line of `errors` (the
 * process's stderr, when the caller keeps it apart; pass none where stderr carries progress).
 */
export function causeLine(
  output: readonly string[],
  errors: readonly string[] = [],
): string | undefined {
  const found =
    tracebackCause(output) ??
    blenderCause(output) ??
    [...output, ...errors].findLast((l) => SYSTEM_ERROR.test(l)) ??
    errors.findLast((l) => l.trim() !== '');
  return found === undefined ? undefined : cut(found);
}

/** What a failed process left to explain itself. */
export interface FailureEvidence {
  /** Its output's last lines (both streams as they came), oldest first. */
  output?: readonly string[];
  /** Its stderr's last lines, when kept apart: the last one is the cause when nothing else is. */
  errors?: readonly string[];
  /** A cause it stated itself (OpenJD's `openjd_fail`): taken before any line. */
  said?: string;
}

/**
 * A failure's headline: `cause (ended)`, or `ended` alone when nothing says why. `ended` is how
 * it ended, with what it was when that helps (`exited with code 1`, `` `train.py` exited with 3 ``,
 * `Blender worker could not load /s/shot.blend: exited with code 1`).
 */
export function failureHeadline(ended: string, e: FailureEvidence = {}): string {
  const said = e.said?.trim() ? cut(e.said) : undefined;
  const cause = said ?? causeLine(e.output ?? [], e.errors ?? []);
  return cause ? `${cause} (${ended})` : ended;
}
