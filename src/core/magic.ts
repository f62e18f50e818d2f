/**
 * File-type detection from leading bytes, for `POST /v3/assets`.
 * HeyGen auto-detects the MIME type from the bytes and accepts only png, jpeg, mp4, webm, mp3,
 * wav and pdf ("Upload Assets" constraints), so the gateway does the same before any upstream
 * sees a byte: the client's declared Content-Type is never trusted.
 */

export interface Sniffed {
  mime: string;
  ext: string;
  kind: 'image' | 'video' | 'audio' | 'document';
}

/** How many leading bytes a caller should collect before calling `sniffMime`. */
export const SNIFF_BYTES = 64;

const PNG: Sniffed = { mime: 'image/png', ext: 'png', kind: 'image' };
const JPEG: Sniffed = { mime: 'image/jpeg', ext: 'jpg', kind: 'image' };
const MP4: Sniffed = { mime: 'video/mp4', ext: 'mp4', kind: 'video' };
const WEBM: Sniffed = { mime: 'video/webm', ext: 'webm', kind: 'video' };
const MP3: Sniffed = { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' };
const WAV: Sniffed = { mime: 'audio/wav', ext: 'wav', kind: 'audio' };
const PDF: Sniffed = { mime: 'application/pdf', ext: 'pdf', kind: 'document' };

/** Every type the gateway accepts, e.g. for error messages and docs. */
export const SUPPORTED_TYPES: readonly Sniffed[] = [PNG, JPEG, MP4, WEBM, MP3, WAV, PDF];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** ISO-BMFF major brands that are plain MP4 video. */
const MP4_BRANDS = new Set([
  'isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'iso7', 'iso8', 'iso9',
  'mp41', 'mp42', 'mp71', 'avc1', 'M4V ', 'M4VH', 'M4VP', 'dash', 'mmp4', 'msnv',
  'NDAS', 'XAVC', 'MSNV', 'f4v ', 'hvc1', 'av01',
]);

/**
 * ISO-BMFF families that are not MP4 video even when they list `isom` as compatible:
 * QuickTime, MP4 audio, 3GPP, still images (HEIF/AVIF), Canon raw.
 */
const NON_MP4_BRAND = /^(qt {2}|M4A |M4B |M4P |F4A |F4B |3gp.|3g2.|3ge.|3gg.|3gs.|heic|heix|heim|heis|hevc|hevx|mif1|msf1|avif|avis|crx )$/;

/** Compatible brands that make an otherwise unknown major brand a playable MP4. */
const MP4_COMPATIBLE = new Set(['isom', 'iso2', 'mp41', 'mp42', 'avc1']);

export function sniffMime(head: Uint8Array): Sniffed | null {
  if (startsWith(head, PNG_SIGNATURE)) return PNG;
  if (startsWith(head, [0xff, 0xd8, 0xff])) return JPEG;
  if (ascii(head, 0, 5) === '%PDF-') return PDF;
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE') return WAV;
  if (ascii(head, 4, 4) === 'ftyp') return sniffIsoBmff(head);
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return ebmlDocType(head) === 'webm' ? WEBM : null;
  if (isId3(head) || isMpegLayer3Frame(head)) return MP3;
  return null;
}

function sniffIsoBmff(head: Uint8Array): Sniffed | null {
  const major = ascii(head, 8, 4);
  if (major === null || NON_MP4_BRAND.test(major)) return null;
  if (MP4_BRANDS.has(major)) return MP4;
  // Unknown vendor brand: judge by the compatible brands inside the ftyp box (after minor version).
  const boxSize = readUint32(head, 0);
  const end = Math.min(boxSize ?? 0, head.length);
  for (let off = 16; off + 4 <= end; off += 4) {
    const brand = ascii(head, off, 4);
    if (brand !== null && NON_MP4_BRAND.test(brand)) return null;
    if (brand !== null && MP4_COMPATIBLE.has(brand)) return MP4;
  }
  return null;
}

/**
 * Reads the DocType out of the EBML header. Matroska and WebM share the container; only the
 * DocType tells them apart, and a header without one defaults to "matroska" per RFC 8794.
 */
function ebmlDocType(head: Uint8Array): string | null {
  const headerSize = readVint(head, 4);
  if (headerSize === null) return null;
  const end = Math.min(head.length, 4 + headerSize.length + headerSize.value);
  let off = 4 + headerSize.length;
  while (off < end) {
    const idLength = vintLength(head[off]);
    if (idLength === null || off + idLength > end) return null;
    const id = readUintN(head, off, idLength);
    off += idLength;
    const size = readVint(head, off);
    if (size === null) return null;
    off += size.length;
    if (id === 0x4282) {
      const text = ascii(head, off, Math.min(size.value, end - off));
      // Some muxers pad the string with NULs.
      return text === null ? null : text.replace(/\0+$/, '');
    }
    off += size.value;
  }
  return null;
}

function isId3(head: Uint8Array): boolean {
  // "ID3", major version 2..4, revision < 0xFF.
  const version = head[3];
  const revision = head[4];
  return (
    ascii(head, 0, 3) === 'ID3' &&
    version !== undefined && version >= 2 && version <= 4 &&
    revision !== undefined && revision !== 0xff
  );
}

/** A headerless MP3 starts with a frame: 11 sync bits, then a header that must be valid layer III. */
function isMpegLayer3Frame(head: Uint8Array): boolean {
  const [b0, b1, b2] = [head[0], head[1], head[2]];
  if (b0 === undefined || b1 === undefined || b2 === undefined) return false;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 0x03; // 01 is reserved
  const layer = (b1 >> 1) & 0x03; // 01 is layer III
  const bitrate = b2 >> 4; // 0000 "free" and 1111 "bad" are not accepted
  const sampleRate = (b2 >> 2) & 0x03; // 11 is reserved
  return version !== 0x01 && layer === 0x01 && bitrate !== 0x00 && bitrate !== 0x0f && sampleRate !== 0x03;
}

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/** The bytes as latin1 text, or null when the input is too short. */
function ascii(head: Uint8Array, offset: number, length: number): string | null {
  if (length < 0 || offset + length > head.length) return null;
  return String.fromCharCode(...head.subarray(offset, offset + length));
}

function readUint32(head: Uint8Array, offset: number): number | null {
  return offset + 4 > head.length ? null : readUintN(head, offset, 4);
}

function readUintN(head: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + (head[offset + i] ?? 0);
  return value;
}

/** Length in bytes of an EBML variable-size integer, from the position of its first set bit. */
function vintLength(first: number | undefined): number | null {
  if (first === undefined || first === 0) return null;
  let length = 1;
  for (let mask = 0x80; (first & mask) === 0; mask >>= 1) length++;
  return length;
}

/** An EBML size: the marker bit removed. The all-ones "unknown size" only appears on segments, so treat it as plain. */
function readVint(head: Uint8Array, offset: number): { value: number; length: number } | null {
  const first = head[offset];
  const length = vintLength(first);
  if (first === undefined || length === null || length > 8 || offset + length > head.length) return null;
  let value = first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + (head[offset + i] ?? 0);
  return { value, length };
}
