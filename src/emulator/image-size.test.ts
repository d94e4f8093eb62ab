import { describe, expect, it } from 'vitest';
import { imageSizeOf, imageTokens } from './image-size.ts';

function png(width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'latin1');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

/** A JPEG start: SOI, an APP0 segment, then a baseline SOF0 with the size. */
function jpeg(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof0]);
}

/** A WebP of the extended (VP8X) kind: sizes minus one in 24 bits. */
function webpExtended(width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(30);
  bytes.write('RIFF', 0, 'latin1');
  bytes.write('WEBP', 8, 'latin1');
  bytes.write('VP8X', 12, 'latin1');
  bytes.writeUIntLE(width - 1, 24, 3);
  bytes.writeUIntLE(height - 1, 27, 3);
  return bytes;
}

describe('imageSizeOf', () => {
  it('reads PNG, JPEG and WebP sizes from their headers', () => {
    expect(imageSizeOf(png(1600, 900), 'image/png')).toEqual({ width: 1600, height: 900 });
    expect(imageSizeOf(jpeg(640, 480), 'image/jpeg')).toEqual({ width: 640, height: 480 });
    expect(imageSizeOf(webpExtended(2000, 3000), 'image/webp')).toEqual({ width: 2000, height: 3000 });
  });

  it('names nothing for bytes that are not the claimed kind or whose header is cut', () => {
    expect(imageSizeOf(jpeg(640, 480), 'image/png')).toBeUndefined();
    expect(imageSizeOf(png(10, 10).subarray(0, 20), 'image/png')).toBeUndefined();
    expect(imageSizeOf(jpeg(640, 480).subarray(0, 22), 'image/jpeg')).toBeUndefined();
    expect(imageSizeOf(png(0, 10), 'image/png')).toBeUndefined();
  });
});

describe('imageTokens', () => {
  it('is 258 up to 384 px a side, then 258 per 768 px tile', () => {
    expect(imageTokens({ width: 384, height: 384 })).toBe(258);
    expect(imageTokens({ width: 385, height: 100 })).toBe(258);
    expect(imageTokens({ width: 1600, height: 900 })).toBe(258 * 6);
    expect(imageTokens({ width: 2480, height: 3508 })).toBe(258 * 4 * 5); // an A4 page scanned at 300 dpi
  });
});
