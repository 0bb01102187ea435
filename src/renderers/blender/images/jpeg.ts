import { notWhole, type ByteSource, type ImageCheck } from './bytes.js';

/** How far into the file to look for the frame header (SOFn) that gives the size. */
const HEAD_BYTES = 256 * 1024;

/**
 * A JPEG is whole when it starts with SOI (FF D8 FF) and ends with EOI (FF D9) (ITU T.81,
 * B.2.1). The size comes from the first SOFn segment, found by walking the marker segments of
 * the head; a file whose SOF lies further in is still whole, only without a size.
 */
export async function checkJpeg(src: ByteSource): Promise<ImageCheck> {
  if (src.size < 4) return notWhole('too short for a JPEG');
  const head = await src.read(0, Math.min(src.size, HEAD_BYTES));
  if (head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff)
    return notWhole('no JPEG SOI marker');
  const tail = await src.read(src.size - 2, 2);
  if (tail[0] !== 0xff || tail[1] !== 0xd9)
    return notWhole('does not end with an EOI marker (cut short?)');
  const size = frameSize(head);
  return size ? { whole: true, width: size[0], height: size[1] } : { whole: true };
}

/** Width and height from the first SOF0..SOF15 segment (not DHT C4, JPG C8, DAC CC). */
function frameSize(buf: Buffer): [number, number] | undefined {
  let at = 2;
  while (at + 4 <= buf.length) {
    if (buf[at] !== 0xff) return undefined;
    const marker = buf[at + 1] ?? 0;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = buf.readUInt16BE(at + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isSof && at + 9 <= buf.length) return [buf.readUInt16BE(at + 7), buf.readUInt16BE(at + 5)];
    if (marker === 0xda) return undefined; // start of scan: no SOF before it
    at += 2 + length;
  }
  return undefined;
}
