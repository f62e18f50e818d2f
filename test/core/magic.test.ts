import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffMime } from '../../src/core/magic.js';

/** Bytes from hex pairs and ASCII strings, e.g. bytes('1A45', 'webm'). */
function bytes(...parts: Array<string | number[]>): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (Array.isArray(p)) out.push(...p);
    else out.push(...Buffer.from(p, 'latin1'));
  }
  return Uint8Array.from(out);
}

const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** An ISO-BMFF file start: an ftyp box with the given brands, then the start of an mdat box. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  return bytes(u32(size), 'ftyp', major, [0, 0, 0x02, 0x00], ...compatible, u32(8), 'mdat');
}

/** An EBML header with the given DocType, as mkvmerge / libwebm write it, then a Segment id. */
function ebml(docType: string): Uint8Array {
  const elements = bytes(
    [0x42, 0x86, 0x81, 0x01], // EBMLVersion 1
    [0x42, 0xf7, 0x81, 0x01], // EBMLReadVersion 1
    [0x42, 0xf2, 0x81, 0x04], // EBMLMaxIDLength 4
    [0x42, 0xf3, 0x81, 0x08], // EBMLMaxSizeLength 8
    [0x42, 0x82, 0x80 | docType.length], docType, // DocType
    [0x42, 0x87, 0x81, 0x04], // DocTypeVersion 4
    [0x42, 0x85, 0x81, 0x02], // DocTypeReadVersion 2
  );
  return bytes([0x1a, 0x45, 0xdf, 0xa3, 0x80 | elements.length], [...elements], [0x18, 0x53, 0x80, 0x67, 0x01]);
}

const fixtures = {
  png: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32(13), 'IHDR', u32(1), u32(1), [8, 6, 0, 0, 0]),
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
  jpegExif: bytes([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x18], 'Exif', [0, 0], 'MM', [0x00, 0x2a]),
  mp4Isom: ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'),
  mp4Mp42: ftyp('mp42', 'mp42', 'isom'),
  mp4M4v: ftyp('M4V ', 'M4V ', 'M4A ', 'mp42', 'isom'),
  mp4Dash: ftyp('dash', 'iso6', 'mp41'),
  mp4UnknownMajor: ftyp('abcd', 'abcd', 'mp42'),
  webm: ebml('webm'),
  mp3Id3: bytes('ID3', [0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00], 'TIT2'),
  mp3Mpeg1Frame: bytes([0xff, 0xfb, 0x90, 0x64, 0x00, 0x00, 0x00, 0x00]), // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
  mp3Mpeg2Frame: bytes([0xff, 0xf3, 0x64, 0xc4, 0x00, 0x00, 0x00, 0x00]), // MPEG-2 layer III, 64 kbit/s, 22.05 kHz
  mp3Mpeg25Frame: bytes([0xff, 0xe3, 0x18, 0xc4, 0x00, 0x00, 0x00, 0x00]), // MPEG-2.5 layer III, 8 kbit/s, 11.025 kHz
  wav: bytes('RIFF', [0x24, 0x08, 0x00, 0x00], 'WAVE', 'fmt ', [16, 0, 0, 0, 1, 0, 2, 0, 0x44, 0xac, 0, 0]),
  pdf: bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n'),
};

describe('sniffMime: supported types', () => {
  it.each([
    ['png', fixtures.png, { mime: 'image/png', ext: 'png', kind: 'image' }],
    ['jpeg (JFIF)', fixtures.jpeg, { mime: 'image/jpeg', ext: 'jpg', kind: 'image' }],
    ['jpeg (Exif)', fixtures.jpegExif, { mime: 'image/jpeg', ext: 'jpg', kind: 'image' }],
    ['mp4 (isom)', fixtures.mp4Isom, { mime: 'video/mp4', ext: 'mp4', kind: 'video' }],
    ['mp4 (mp42)', fixtures.mp4Mp42, { mime: 'video/mp4', ext: 'mp4', kind: 'video' }],
    ['mp4 (M4V)', fixtures.mp4M4v, { mime: 'video/mp4', ext: 'mp4', kind: 'video' }],
    ['mp4 (dash)', fixtures.mp4Dash, { mime: 'video/mp4', ext: 'mp4', kind: 'video' }],
    ['mp4 (unknown major, mp42 compatible)', fixtures.mp4UnknownMajor, { mime: 'video/mp4', ext: 'mp4', kind: 'video' }],
    ['webm', fixtures.webm, { mime: 'video/webm', ext: 'webm', kind: 'video' }],
    ['mp3 (ID3v2.4 tag)', fixtures.mp3Id3, { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' }],
    ['mp3 (MPEG-1 frame)', fixtures.mp3Mpeg1Frame, { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' }],
    ['mp3 (MPEG-2 frame)', fixtures.mp3Mpeg2Frame, { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' }],
    ['mp3 (MPEG-2.5 frame)', fixtures.mp3Mpeg25Frame, { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' }],
    ['wav', fixtures.wav, { mime: 'audio/wav', ext: 'wav', kind: 'audio' }],
    ['pdf', fixtures.pdf, { mime: 'application/pdf', ext: 'pdf', kind: 'document' }],
  ])('%s', (_name, head, expected) => {
    expect(sniffMime(head)).toEqual(expected);
  });

  it('reads a header followed by more data than SNIFF_BYTES', () => {
    expect(SNIFF_BYTES).toBe(64);
    const long = new Uint8Array(4096);
    long.set(fixtures.webm);
    expect(sniffMime(long)?.mime).toBe('video/webm');
    expect(sniffMime(long.subarray(0, SNIFF_BYTES))?.mime).toBe('video/webm');
  });

  it('reads a NUL-padded webm DocType', () => {
    expect(sniffMime(ebml('webm\0\0'))?.mime).toBe('video/webm');
  });
});

describe('sniffMime: unsupported or unknown', () => {
  it.each([
    ['gif87a', bytes('GIF87a', [1, 0, 1, 0, 0x80, 0, 0])],
    ['gif89a', bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0])],
    ['webp', bytes('RIFF', [0x1a, 0, 0, 0], 'WEBPVP8 ')],
    ['avi', bytes('RIFF', [0x1a, 0, 0, 0], 'AVI LIST')],
    ['quicktime (qt major)', ftyp('qt  ', 'qt  ')],
    ['m4a audio', ftyp('M4A ', 'M4A ', 'mp42', 'isom')],
    ['3gp', ftyp('3gp4', '3gp4', 'isom')],
    ['heic', ftyp('heic', 'mif1', 'heic')],
    ['avif', ftyp('avif', 'avif', 'mif1', 'miaf')],
    ['unknown major with quicktime compatible brand', ftyp('abcd', 'qt  ', 'isom')],
    ['unknown major without mp4 compatible brand', ftyp('abcd', 'abcd')],
    ['matroska', ebml('matroska')],
    ['EBML header without DocType', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x84, 0x42, 0x86, 0x81, 0x01])],
    ['AAC ADTS frame', bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc])],
    ['MPEG layer II frame', bytes([0xff, 0xfd, 0x90, 0x64])],
    ['MPEG layer III frame with bad bitrate index', bytes([0xff, 0xfb, 0xf0, 0x64])],
    ['MPEG layer III frame with reserved sample rate', bytes([0xff, 0xfb, 0x9c, 0x64])],
    ['MPEG frame with reserved version', bytes([0xff, 0xeb, 0x90, 0x64])],
    ['ID3 with invalid version', bytes('ID3', [0xff, 0x00, 0x00])],
    ['flac', bytes('fLaC', [0, 0, 0, 0x22])],
    ['ogg', bytes('OggS', [0, 2, 0, 0])],
    ['zip', bytes('PK', [3, 4, 20, 0])],
    ['plain text', bytes('hello, world\n')],
    ['pdf magic not at offset 0', bytes(' %PDF-1.7')],
    ['random', Uint8Array.from(createHash('sha256').update('not a file').digest())],
    ['empty', new Uint8Array(0)],
    ['3 bytes of a png signature', bytes([0x89, 0x50, 0x4e])],
    ['2 bytes of a jpeg signature', bytes([0xff, 0xd8])],
    ['ftyp box cut before the brand', bytes(u32(24), 'ftyp')],
  ])('%s -> null', (_name, head) => {
    expect(sniffMime(head)).toBeNull();
  });

  it('never throws on any prefix of a supported header', () => {
    for (const [name, head] of Object.entries(fixtures)) {
      for (let n = 0; n <= head.length; n++) {
        expect(() => sniffMime(head.subarray(0, n)), `${name}[0..${n}]`).not.toThrow();
      }
    }
  });

  it('does not take a truncated webm DocType for webm', () => {
    const webm = fixtures.webm;
    const docTypeEnd = webm.indexOf(0x6d /* 'm' of webm */) + 1;
    expect(sniffMime(webm.subarray(0, docTypeEnd - 1))).toBeNull();
    expect(sniffMime(webm.subarray(0, docTypeEnd))?.mime).toBe('video/webm');
  });
});
