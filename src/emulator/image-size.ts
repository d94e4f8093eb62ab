/**
 * @module The pixel size of a PNG, JPEG or WebP image, read from its header (the only metadata the simulated model
 * uses: it sees no pixels), and the prompt tokens Gemini counts for it.
 */

/** Width and height in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Tokens per image tile (ai.google.dev token counting). */
export const TOKENS_PER_IMAGE_TILE = 258;
const SMALL_IMAGE_SIDE = 384;
const TILE_SIDE = 768;

/**
 * Tokens for an image of `size`: 258 when both sides are at most 384 px, else 258 per 768×768 tile (ai.google.dev
 * "Understand and count tokens", the Gemini 2 rule; Gemini 3's `media_resolution` budgets are not simulated).
 */
export function imageTokens(size: ImageSize): number {
  if (size.width <= SMALL_IMAGE_SIDE && size.height <= SMALL_IMAGE_SIDE) return TOKENS_PER_IMAGE_TILE;
  return Math.ceil(size.width / TILE_SIDE) * Math.ceil(size.height / TILE_SIDE) * TOKENS_PER_IMAGE_TILE;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function pngSize(b: Uint8Array): ImageSize | undefined {
  // Signature, then the IHDR chunk: length, "IHDR", width and height as 32-bit big-endian.
  if (b.length < 24 || b[0] !== 0x89 || ascii(b, 1, 3) !== 'PNG' || ascii(b, 12, 4) !== 'IHDR') return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Start-of-frame markers: C0-CF but DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegSize(b: Uint8Array): ImageSize | undefined {
  if (b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // markers without a length
      continue;
    }
    if (isStartOfFrame(marker)) return { height: ((b[at + 5] ?? 0) << 8) | (b[at + 6] ?? 0), width: ((b[at + 7] ?? 0) << 8) | (b[at + 8] ?? 0) };
    at += 2 + (((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0));
  }
  return undefined;
}

function webpSize(b: Uint8Array): ImageSize | undefined {
  if (b.length < 30 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return undefined;
  const at = (index: number): number => b[index] ?? 0;
  switch (ascii(b, 12, 4)) {
    case 'VP8 ': // lossy: 14-bit sizes after the key frame's start code
      return { width: (at(26) | (at(27) << 8)) & 0x3fff, height: (at(28) | (at(29) << 8)) & 0x3fff };
    case 'VP8L': // lossless: two 14-bit sizes minus one, packed after the signature byte
      return { width: 1 + (((at(22) & 0x3f) << 8) | at(21)), height: 1 + (((at(24) & 0x0f) << 10) | (at(23) << 2) | ((at(22) & 0xc0) >> 6)) };
    case 'VP8X': // extended: 24-bit sizes minus one
      return { width: 1 + (at(24) | (at(25) << 8) | (at(26) << 16)), height: 1 + (at(27) | (at(28) << 8) | (at(29) << 16)) };
    default:
      return undefined;
  }
}

const READERS: Readonly<Record<string, (bytes: Uint8Array) => ImageSize | undefined>> = {
  'image/png': pngSize,
  'image/jpeg': jpegSize,
  'image/webp': webpSize,
};

/** Whether the emulator reads the size of images of this MIME type. */
export function readsImageSize(mimeType: string): boolean {
  return READERS[mimeType] !== undefined;
}

/** The size of an image of `mimeType`, or undefined when its bytes are not such an image (or its header is cut). */
export function imageSizeOf(bytes: Uint8Array, mimeType: string): ImageSize | undefined {
  const size = READERS[mimeType]?.(bytes);
  return size !== undefined && size.width > 0 && size.height > 0 ? size : undefined;
}
