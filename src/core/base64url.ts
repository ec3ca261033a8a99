// Strict base64url. Buffer's decoder is lenient (it skips junk, accepts + and /, stops at "=" and reads a character
// above U+00FF by its low byte), so a segment only counts when its bytes are exactly what its text must give:
// checked from the decoded length and the last character, or by re-encoding when the text has wide characters.
import { isAscii, isUtf8 } from 'node:buffer';

const SEGMENT = /^[A-Za-z0-9_-]*={0,2}$/;

/** Why a segment is not acceptable base64url, or undefined when it is. `=` padding must be canonical. */
export function segmentProblem(segment: string): string | undefined {
  if (!SEGMENT.test(segment)) {
    return /\s/.test(segment)
      ? 'contains whitespace'
      : 'contains characters outside base64url (A-Z a-z 0-9 - _)';
  }
  let pad = 0;
  while (pad < segment.length && segment.charCodeAt(segment.length - 1 - pad) === 61 /* = */) pad++;
  const bare = segment.length - pad;
  if (bare % 4 === 1) return 'has an impossible length for base64url';
  if (pad > 0 && (segment.length % 4 !== 0 || pad !== (4 - (bare % 4)) % 4))
    return 'has misplaced "=" padding';
  return undefined;
}

/** Decode a validated segment to bytes. */
export function decodeSegment(segment: string): Buffer {
  return Buffer.from(segment, 'base64url');
}

/**
 * A character above U+00FF. Buffer's decoder reads such a character by its low byte (U+0141 decodes as "A"), so
 * only text without one can be judged by the decoded length. For one-byte strings (almost every token) V8 answers
 * this without scanning: no character of the class fits in one byte.
 */
const WIDE_CHARACTER = /[\u0100-\uffff]/;

/** The value of a base64url character that is known to be one (A-Z a-z 0-9 - _). */
function sextet(code: number): number {
  if (code >= 97) return code - 71; // a-z: 26-51
  if (code >= 65) return code - 65; // A-Z: 0-25
  if (code >= 48) return code + 4; // 0-9: 52-61
  return code === 45 ? 62 : 63; // "-", "_"
}

/**
 * Unpadded canonical base64url in one decode. Buffer skips what is not base64 (and stops at "="), so the text is
 * all base64 exactly when the bytes have the length its characters imply; "+" and "/" are the only base64
 * characters outside base64url, and the last character must carry no stray bits. Equivalent to re-encoding the
 * bytes and comparing, without building the second string (test/unit/verifyFastPaths.test.ts).
 */
function strictDecodeUnpadded(segment: string, bytes: Buffer): Buffer | undefined {
  const length = segment.length;
  const rest = length & 3;
  if (rest === 1) return undefined;
  if (bytes.length !== (length >> 2) * 3 + (rest === 0 ? 0 : rest - 1)) return undefined;
  if (segment.includes('+') || segment.includes('/')) return undefined;
  if (rest !== 0 && (sextet(segment.charCodeAt(length - 1)) & (rest === 2 ? 0x0f : 0x03)) !== 0)
    return undefined;
  return bytes;
}

/**
 * The segment's bytes when it is canonical base64url (optionally "="-padded), else undefined. With `scratch`, the
 * bytes are decoded into it (when they fit) and the result is a view of it, valid until the scratch is reused:
 * for callers that turn the bytes into text at once, so no buffer is allocated per segment.
 */
export function strictDecode(segment: string, scratch?: Buffer): Buffer | undefined {
  const bytes =
    scratch !== undefined && scratch.length >= Math.ceil(segment.length / 4) * 3
      ? scratch.subarray(0, scratch.write(segment, 0, 'base64url'))
      : Buffer.from(segment, 'base64url');
  if (segment.charCodeAt(segment.length - 1) !== 61 /* = */) {
    if (!WIDE_CHARACTER.test(segment)) return strictDecodeUnpadded(segment, bytes);
    return bytes.toString('base64url') === segment ? bytes : undefined;
  }
  // Padded (ALB tokens): one or two "=" that complete the last quantum (with the total a multiple of 4, that is
  // the only count that can), after exactly the canonical unpadded encoding (Buffer stops at the first "=").
  let bare = segment.length - 1;
  if (segment.charCodeAt(bare - 1) === 61) bare--;
  if (segment.length % 4 !== 0) return undefined;
  const unpadded = segment.slice(0, bare);
  if (!WIDE_CHARACTER.test(unpadded)) return strictDecodeUnpadded(unpadded, bytes);
  const encoded = bytes.toString('base64url');
  return encoded === unpadded ? bytes : undefined;
}

/** Why a segment is rejected: the charset or padding problem, or non-canonical trailing bits. */
export function strictProblem(segment: string): string {
  return segmentProblem(segment) ?? 'is not canonical base64url (its last character carries stray bits)';
}

/** Bytes as text (and whether pure ASCII), or undefined when not valid UTF-8. */
export function bytesText(bytes: Buffer): { text: string; ascii: boolean } | undefined {
  // ASCII is the common case and valid UTF-8 by definition: one fast scan instead of two.
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), ascii: true };
  return isUtf8(bytes) ? { text: bytes.toString('utf8'), ascii: false } : undefined;
}

/** Encode bytes or text as unpadded base64url. */
export function encodeSegment(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}
