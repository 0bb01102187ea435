import { notWhole, type ByteSource, type ImageCheck } from './bytes.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The IEND chunk is always these 12 bytes: length 0, type, and the CRC of the type. */
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/**
 * A PNG is whole when it starts with the signature and an IHDR chunk (which gives its size) and
 * ends with the IEND chunk (PNG spec, sections 5.2, 11.2.2, 11.2.5). A file cut short anywhere
 * loses its IEND; one written through a temporary name and renamed is never cut in the middle.
 */
export async function checkPng(src: ByteSource): Promise<ImageCheck> {
  if (src.size < SIGNATURE.length + 25 + IEND.length) return notWhole('too short for a PNG');
  const head = await src.read(0, 33);
  if (!head.subarray(0, 8).equals(SIGNATURE)) return notWhole('no PNG signature');
  if (head.readUInt32BE(8) !== 13 || head.toString('latin1', 12, 16) !== 'IHDR')
    return notWhole('no IHDR chunk first');
  const tail = await src.read(src.size - IEND.length, IEND.length);
  if (!tail.equals(IEND)) return notWhole('does not end with an IEND chunk (cut short?)');
  return { whole: true, width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}
