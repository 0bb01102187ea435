import { notWhole, type ByteSource, type ImageCheck } from './bytes.js';

const MAGIC = 20000630; // 76 2f 31 01, little-endian
const FLAG_TILED = 0x200;
const FLAG_DEEP = 0x800;
const FLAG_MULTIPART = 0x1000;
const HEADER_MAX = 1024 * 1024;
/** Scan lines per chunk by compression (0 none, 1 RLE, 2 ZIPS, 3 ZIP, 4 PIZ, 5 PXR24, 6 B44,
 * 7 B44A, 8 DWAA, 9 DWAB), from openexr.com's "OpenEXR File Layout". */
const LINES_PER_CHUNK = [1, 1, 1, 16, 32, 16, 32, 32, 32, 256];

interface Header {
  end: number;
  box: [number, number, number, number];
  compression: number;
  channels: string[];
}

/** Channel names of a `chlist` attribute: each a name, a null byte and 16 bytes of layout. */
function channelNames(value: Buffer): string[] {
  const names: string[] = [];
  let at = 0;
  while (at < value.length && value[at] !== 0) {
    const nul = value.indexOf(0, at);
    if (nul < 0) break;
    names.push(value.toString('latin1', at, nul));
    at = nul + 1 + 16;
  }
  return names;
}

/** Reads the attributes up to the header's closing null byte; what the check needs from them. */
function parseHeader(buf: Buffer): Header | string {
  let at = 8;
  let box: Header['box'] | undefined;
  let compression: number | undefined;
  let channels: string[] = [];
  const cstring = (): string | undefined => {
    const nul = buf.indexOf(0, at);
    if (nul < 0) return undefined;
    const s = buf.toString('latin1', at, nul);
    at = nul + 1;
    return s;
  };
  for (;;) {
    if (at >= buf.length) return 'header is cut short';
    if (buf[at] === 0)
      return box && compression !== undefined
        ? { end: at + 1, box, compression, channels }
        : 'header lacks dataWindow or compression';
    const name = cstring();
    const type = cstring();
    if (name === undefined || type === undefined || at + 4 > buf.length)
      return 'header is cut short';
    const size = buf.readInt32LE(at);
    at += 4;
    if (size < 0 || at + size > buf.length) return 'header is cut short';
    if (name === 'dataWindow' && type === 'box2i' && size === 16)
      box = [
        buf.readInt32LE(at),
        buf.readInt32LE(at + 4),
        buf.readInt32LE(at + 8),
        buf.readInt32LE(at + 12),
      ];
    if (name === 'compression' && size === 1) compression = buf[at];
    if (name === 'channels' && type === 'chlist')
      channels = channelNames(buf.subarray(at, at + size));
    at += size;
  }
}

/**
 * An EXR is whole when its header reads to the end, and every entry of its line offset table
 * points at a chunk whose own header (first scan line, data size) matches the table and whose
 * data ends inside the file. That is what Blender writes (single-part scan-line files, for
 * OPEN_EXR and OPEN_EXR_MULTILAYER alike); tiled, deep and multi-part files are not checked and
 * count as not whole, so they are rendered again rather than trusted.
 */
export async function checkExr(src: ByteSource): Promise<ImageCheck> {
  if (src.size < 8) return notWhole('too short for an EXR');
  let buf = await src.read(0, Math.min(src.size, 64 * 1024));
  if (buf.readUInt32LE(0) !== MAGIC) return notWhole('no EXR magic number');
  const flags = buf.readUInt32LE(4) & ~0xff;
  if (flags & (FLAG_TILED | FLAG_DEEP | FLAG_MULTIPART))
    return notWhole('a tiled, deep or multi-part EXR (not checked)');
  let header = parseHeader(buf);
  if (typeof header === 'string' && buf.length < Math.min(src.size, HEADER_MAX)) {
    buf = await src.read(0, Math.min(src.size, HEADER_MAX));
    header = parseHeader(buf);
  }
  if (typeof header === 'string') return notWhole(header);
  const [xmin, ymin, xmax, ymax] = header.box;
  const lines = LINES_PER_CHUNK[header.compression];
  if (lines === undefined) return notWhole(`unknown compression ${header.compression}`);
  if (xmax < xmin || ymax < ymin) return notWhole('empty data window');
  const chunks = Math.ceil((ymax - ymin + 1) / lines);
  const table = await src.read(header.end, chunks * 8);
  if (table.length < chunks * 8) return notWhole('line offset table is cut short');
  for (let i = 0; i < chunks; i++) {
    const offset = Number(table.readBigUInt64LE(i * 8));
    if (offset < header.end + chunks * 8 || offset + 8 > src.size)
      return notWhole(`chunk ${i} lies outside the file (cut short?)`);
    const chunk = await src.read(offset, 8);
    if (chunk.readInt32LE(0) !== ymin + i * lines)
      return notWhole(`chunk ${i} is not where the table says`);
    const size = chunk.readInt32LE(4);
    if (size < 0 || offset + 8 + size > src.size) return notWhole(`chunk ${i} is cut short`);
  }
  return { whole: true, width: xmax - xmin + 1, height: ymax - ymin + 1 };
}

/** The channel names in an EXR's header (`R`, `G`, … or `ViewLayer.Combined.R`, …); [] unreadable. */
export async function exrChannels(src: ByteSource): Promise<string[]> {
  if (src.size < 8) return [];
  const buf = await src.read(0, Math.min(src.size, HEADER_MAX));
  if (buf.readUInt32LE(0) !== MAGIC) return [];
  const header = parseHeader(buf);
  return typeof header === 'string' ? [] : header.channels;
}
