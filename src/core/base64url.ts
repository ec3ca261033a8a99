// Strict base64url. Buffer's decoder is lenient (it skips junk and accepts + and /), so a segment only counts
// when re-encoding its bytes gives back exactly the text: one native round trip, faster than a regex scan.
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

/** The segment's bytes when it is canonical base64url (optionally "="-padded), else undefined. */
export function strictDecode(segment: string): Buffer | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  if (segment.charCodeAt(segment.length - 1) !== 61 /* = */) {
    return bytes.toString('base64url') === segment ? bytes : undefined;
  }
  if (segmentProblem(segment) !== undefined) return undefined;
  return bytes.toString('base64url') === segment.replace(/=+$/, '') ? bytes : undefined;
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
