/**
 * A NeRF-synthetic dataset from a Blender scene: camera poses around the scene's origin, the
 * train/val/test split, and the `transforms_<split>.json` files Plenoxels (svox2), NeRF and
 * instant-ngp read.
 *
 * Layout (as NeRF-synthetic's): `train/r_0.png ...`, `val/r_0.png ...`, `test/r_0.png ...`, and
 * `transforms_train.json` etc. holding `camera_angle_x` (horizontal field of view, radians) and
 * per image `{ file_path: "./train/r_0", transform_matrix }`, the 4×4 camera-to-world matrix in
 * Blender's convention (camera looks down its -Z, +Y up), rows first.
 *
 * Split: `views` is the number of training views; validation and test each get a tenth of that,
 * rounded up (`--views 100`: 100 train, 10 val, 10 test), unless given.
 *
 * Poses, all looking at the origin from `radius` (default 4, NeRF-synthetic's), world up +Z:
 *  - train and val: spread evenly over the upper hemisphere (a Fibonacci spiral, elevations from
 *    about 6° to 72°), val on the spiral's in-between turns so it sees what train does not;
 *  - test: an orbit at 30° elevation, evenly spaced in azimuth, as NeRF-synthetic's test set.
 */

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** How many views each split gets. */
export interface SplitCounts {
  train: number;
  val: number;
  test: number;
}

/** One view to render: where its image goes (relative to the dataset directory) and its pose. */
export interface DatasetView {
  split: Split;
  index: number;
  /** `train/r_0.png`: relative to the dataset directory. */
  file: string;
  /** Camera-to-world, 4×4, rows. */
  matrix: number[][];
}

/** What Blender reported for a rendered view. */
export interface RenderedView {
  split: Split;
  index: number;
  matrix: number[][];
  /** Horizontal field of view, radians. */
  cameraAngleX: number;
}

export const DEFAULT_RADIUS = 4;
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
/** sin of the lowest and highest elevation of train/val views: about 6° and 72°. */
const Z_LOW = 0.1;
const Z_HIGH = 0.95;
const TEST_ELEVATION = Math.PI / 6;

/** `views` training views; val and test default to a tenth of that, rounded up. */
export function splitCounts(views: number, val?: number, test?: number): SplitCounts {
  const tenth = Math.ceil(views / 10);
  return { train: views, val: val ?? tenth, test: test ?? tenth };
}

type Vec3 = [number, number, number];

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (n < 1e-12) throw new Error('cannot normalize a zero vector');
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * The camera-to-world matrix of a camera at `eye` looking at `target` with `up` (default +Z)
 * up, in Blender's camera convention: columns are the camera's right (+X), up (+Y), back (+Z,
 * away from what it looks at) and its position.
 */
export function lookAt(eye: Vec3, target: Vec3 = [0, 0, 0], up: Vec3 = [0, 0, 1]): number[][] {
  const forward = normalize(sub(target, eye));
  const right = normalize(cross(forward, up));
  const camUp = cross(right, forward);
  const back: Vec3 = [-forward[0], -forward[1], -forward[2]];
  return [0, 1, 2]
    .map((r) => [right[r] ?? 0, camUp[r] ?? 0, back[r] ?? 0, eye[r] ?? 0].map((v) => v + 0)) // no -0
    .concat([[0, 0, 0, 1]]);
}

/** `n` points spread evenly over the hemisphere's band (unit radius); `phase` turns the spiral. */
function spiral(n: number, phase: number): Vec3[] {
  return Array.from({ length: n }, (_, i) => {
    const z = Z_LOW + ((Z_HIGH - Z_LOW) * (i + 0.5)) / n;
    const ring = Math.sqrt(1 - z * z);
    const phi = i * GOLDEN_ANGLE + phase;
    return [ring * Math.cos(phi), ring * Math.sin(phi), z];
  });
}

function orbit(n: number, elevation: number): Vec3[] {
  return Array.from({ length: n }, (_, i) => {
    const phi = (2 * Math.PI * i) / n;
    return [
      Math.cos(elevation) * Math.cos(phi),
      Math.cos(elevation) * Math.sin(phi),
      Math.sin(elevation),
    ];
  });
}

/** Every view of the dataset, train first, with its image path and pose (see the module note). */
export function datasetViews(counts: SplitCounts, radius = DEFAULT_RADIUS): DatasetView[] {
  if (!(radius > 0) || !Number.isFinite(radius)) throw new Error('radius must be positive');
  const points: Record<Split, Vec3[]> = {
    train: spiral(counts.train, 0),
    val: spiral(counts.val, GOLDEN_ANGLE / 2),
    test: orbit(counts.test, TEST_ELEVATION),
  };
  return SPLITS.flatMap((split) =>
    points[split].map((p, index) => ({
      split,
      index,
      file: `${split}/r_${index}.png`,
      matrix: lookAt([p[0] * radius, p[1] * radius, p[2] * radius]),
    })),
  );
}

/** One `transforms_<split>.json`, as NeRF-synthetic writes it. */
export interface TransformsFile {
  camera_angle_x: number;
  frames: { file_path: string; transform_matrix: number[][] }[];
}

/**
 * The three transforms files from the views Blender rendered, each split in index order.
 * `camera_angle_x` is the one Blender reported (the first view's; they share one camera).
 */
export function transformsOf(views: RenderedView[]): Record<Split, TransformsFile> {
  const first = views[0];
  if (!first) throw new Error('no rendered views');
  const angle = first.cameraAngleX;
  const out = {} as Record<Split, TransformsFile>;
  for (const split of SPLITS) {
    const mine = views.filter((v) => v.split === split).sort((a, b) => a.index - b.index);
    out[split] = {
      camera_angle_x: angle,
      frames: mine.map((v) => ({
        file_path: `./${split}/r_${v.index}`,
        transform_matrix: v.matrix,
      })),
    };
  }
  return out;
}
