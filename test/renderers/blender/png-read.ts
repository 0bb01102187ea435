import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/** A decoded PNG as the tests read Blender's output: size, text chunks, pixels (top row first). */
export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  channels: number;
  text: Record<string, string>;
  /** Channel values of pixel (x, y), y from the top, as stored (0..255 or 0..65535). */
  pixel(x: number, y: number): number[];
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes a non-interlaced grey/RGB/RGBA PNG of 8 or 16 bits (what Blender writes). */
export function readPng(file: string): DecodedPng {
  const buf = readFileSync(file);
  let at = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  const text: Record<string, string> = {};
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8] ?? 0;
      channels = CHANNELS[data[9] ?? -1] ?? 0;
      if (data[12] !== 0) throw new Error(`${file} is interlaced`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'tEXt') {
      const nul = data.indexOf(0);
      text[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1);
    }
    at += 12 + len;
  }
  const bpp = (channels * bitDepth) / 8;
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? (out[y * stride + i - bpp] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + i] as number) : 0;
      const c = y > 0 && i >= bpp ? (out[(y - 1) * stride + i - bpp] as number) : 0;
      const x = line[i] as number;
      const v = [x, x + a, x + b, x + ((a + b) >> 1), x + paeth(a, b, c)][filter ?? 0] as number;
      out[y * stride + i] = v & 0xff;
    }
  }
  return {
    width,
    height,
    bitDepth,
    channels,
    text,
    pixel: (x, y) =>
      Array.from({ length: channels }, (_, ch) => {
        const i = y * stride + x * bpp + (ch * bitDepth) / 8;
        return bitDepth === 16 ? out.readUInt16BE(i) : (out[i] as number);
      }),
  };
}
