/**
 * The image formats frames are written in, named as Blender names them
 * (`scene.render.image_settings.file_format`), with their file extensions and colour depths.
 */
export const IMAGE_FORMATS = ['PNG', 'JPEG', 'OPEN_EXR', 'OPEN_EXR_MULTILAYER'] as const;

/** One of {@link IMAGE_FORMATS}. */
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** Bits per channel Blender offers per format (`image_settings.color_depth`), default first. */
export const COLOR_DEPTHS: Readonly<Record<ImageFormat, readonly number[]>> = {
  PNG: [8, 16],
  JPEG: [8],
  // 16 is half float, 32 full float; 16 is what the worker has always written.
  OPEN_EXR: [16, 32],
  OPEN_EXR_MULTILAYER: [16, 32],
};

/**
 * Extensions Blender accepts as already right for a format, the one it appends first. From
 * Blender 3.4's `do_add_image_extension` (blender/blender, source/blender/blenkernel/intern/
 * image_format.cc), checked against `RenderSettings.frame_path` in the tests.
 */
const EXTENSIONS: Readonly<Record<ImageFormat, readonly string[]>> = {
  PNG: ['.png'],
  JPEG: ['.jpg', '.jpeg'],
  OPEN_EXR: ['.exr'],
  OPEN_EXR_MULTILAYER: ['.exr'],
};

/** True for a format name the worker can write. */
export function isImageFormat(value: unknown): value is ImageFormat {
  return typeof value === 'string' && (IMAGE_FORMATS as readonly string[]).includes(value);
}

/** The extension Blender gives files of `format`: `.png`, `.jpg`, `.exr`. */
export function formatExtension(format: ImageFormat): string {
  return EXTENSIONS[format][0] as string;
}

/** Every extension Blender keeps as it is for `format` (compared ignoring case). */
export function acceptedExtensions(format: ImageFormat): readonly string[] {
  return EXTENSIONS[format];
}

/** Whether the file holds EXR (single- or multi-layer); those share the file layout. */
export function isExr(format: ImageFormat): boolean {
  return format === 'OPEN_EXR' || format === 'OPEN_EXR_MULTILAYER';
}
