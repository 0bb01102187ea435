import { runCommand } from '../../../src/process/run.js';

/** Per-channel differences between two images of one size, as Blender reads their pixels. */
export interface ImageDiff {
  width: number;
  height: number;
  max: number;
  mean: number;
}

// Loaded by Blender itself (EXR is scene-linear floats, PNG bytes / 255), without numpy.
const SCRIPT = `
import array, json, sys, bpy
a_path, b_path = sys.argv[sys.argv.index("--") + 1:]
def load(p):
    im = bpy.data.images.load(p)
    buf = array.array("f", bytes(4 * im.size[0] * im.size[1] * 4))
    im.pixels.foreach_get(buf)
    return tuple(im.size), buf
(sa, a), (sb, b) = load(a_path), load(b_path)
if sa != sb:
    raise SystemExit(f"sizes differ: {sa} {sb}")
d = [abs(x - y) for x, y in zip(a, b)]
print("@@DIFF@@ " + json.dumps({"width": sa[0], "height": sa[1], "max": max(d), "mean": sum(d) / len(d)}))
`;

/** Compares `a` and `b` pixel by pixel in Blender (all four channels, 0..1 or linear). */
export async function diffImages(a: string, b: string): Promise<ImageDiff> {
  const { stdout } = await runCommand(
    'blender',
    ['-b', '--factory-startup', '--python-expr', SCRIPT, '--', a, b],
    { timeoutMs: 120_000 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('@@DIFF@@ '));
  if (!line) throw new Error(`Blender printed no difference for ${a} and ${b}:\n${stdout}`);
  return JSON.parse(line.slice('@@DIFF@@ '.length)) as ImageDiff;
}
