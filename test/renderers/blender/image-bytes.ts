import { deflateSync } from 'node:zlib';

/**
 * Small, well-formed image files built byte by byte for the whole-frame tests: the layouts Blender
 * writes (PNG with IHDR/IDAT/IEND, baseline JPEG markers, single-part scan-line EXR), with
 * filler pixel data where a decoder would be needed to care.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGB PNG of `width`×`height`, all black. */
export function makePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', Buffer.from('Software\0test', 'latin1')),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** A baseline JPEG's marker layout (SOI, APP0, SOF0, SOS, scan bytes, EOI) for `width`×`height`. */
export function makeJpeg(width: number, height: number): Buffer {
  const sof = Buffer.from([8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xc0, sof),
    segment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0])),
    Buffer.alloc(200, 0x55),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function attr(name: string, type: string, value: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32LE(value.length);
  return Buffer.concat([Buffer.from(`${name}\0${type}\0`, 'latin1'), size, value]);
}

function box(x0: number, y0: number, x1: number, y1: number): Buffer {
  const b = Buffer.alloc(16);
  [x0, y0, x1, y1].forEach((v, i) => b.writeInt32LE(v, i * 4));
  return b;
}

/** A single-part scan-line EXR of `width`×`height` with `compression` (3 = ZIP, 16 lines a chunk). */
export function makeExr(
  width: number,
  height: number,
  compression = 3,
  linesPerChunk = 16,
): Buffer {
  const channels = Buffer.concat(
    ['B', 'G', 'R'].map((c) =>
      Buffer.concat([
        Buffer.from(`${c}\0`),
        Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]),
        Buffer.from([1, 0, 0, 0, 1, 0, 0, 0]),
      ]),
    ),
  );
  const header = Buffer.concat([
    Buffer.from([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0]),
    attr('channels', 'chlist', Buffer.concat([channels, Buffer.from([0])])),
    attr('compression', 'compression', Buffer.from([compression])),
    attr('dataWindow', 'box2i', box(0, 0, width - 1, height - 1)),
    attr('displayWindow', 'box2i', box(0, 0, width - 1, height - 1)),
    attr('lineOrder', 'lineOrder', Buffer.from([0])),
    Buffer.from([0]),
  ]);
  const count = Math.ceil(height / linesPerChunk);
  const chunks: Buffer[] = [];
  const table = Buffer.alloc(count * 8);
  let offset = header.length + table.length;
  for (let i = 0; i < count; i++) {
    const data = Buffer.alloc(40 + i, 0x11);
    const head = Buffer.alloc(8);
    head.writeInt32LE(i * linesPerChunk, 0);
    head.writeInt32LE(data.length, 4);
    table.writeBigUInt64LE(BigInt(offset), i * 8);
    chunks.push(head, data);
    offset += 8 + data.length;
  }
  return Buffer.concat([header, table, ...chunks]);
}
