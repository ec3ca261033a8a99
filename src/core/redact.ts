// Tokens are secrets: logs and errors show at most header.payload.<redacted> or a short hash.
import { createHash } from 'node:crypto';

/** header.payload.<redacted> for a compact token; a short hash for anything else. */
export function redactToken(text: string): string {
  const parts = text.split('.');
  if (parts.length === 3 && text.length <= 64 * 1024) return `${parts[0]}.${parts[1]}.<redacted>`;
  return tokenHash(text);
}

/** A short, stable fingerprint safe to log and print: sha256 of the token's bytes, 12 hex digits. */
export function tokenHash(token: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

/**
 * Redact every JWT-looking substring of a log line (what /\b(eyJ[\w-]*={0,2})\.([\w-]+={0,2})\.([\w-]+={0,2})/g would
 * match), in linear time: that regex backtracks quadratically on a line of many "eyJ-" (160 KB took 12 s).
 * Each segment can only end at the end of its maximal base64url run (a "=" or "." must follow), so a start that
 * fails makes every later start inside the same first run fail too, and the scan skips past that run.
 */
export function redactText(line: string): string {
  let out: string[] | undefined;
  let copied = 0;
  let start = line.indexOf('eyJ');
  while (start !== -1) {
    if (start > 0 && isWordUnit(line.charCodeAt(start - 1))) {
      start = line.indexOf('eyJ', start + 1);
      continue;
    }
    const headerEnd = base64urlRunEnd(line, start);
    const match = compactTokenAt(line, headerEnd);
    if (match === undefined) {
      start = line.indexOf('eyJ', headerEnd);
      continue;
    }
    out ??= [];
    out.push(line.slice(copied, match.signatureStart), '<redacted>');
    copied = match.end;
    start = line.indexOf('eyJ', match.end);
  }
  if (out === undefined) return line;
  out.push(line.slice(copied));
  return out.join('');
}

/** After a header run ending at `headerEnd`: padding, ".", payload, padding, ".", signature, padding. */
function compactTokenAt(
  line: string,
  headerEnd: number,
): { signatureStart: number; end: number } | undefined {
  const firstDot = paddingEnd(line, headerEnd);
  if (line.charCodeAt(firstDot) !== DOT) return undefined;
  const payloadEnd = base64urlRunEnd(line, firstDot + 1);
  if (payloadEnd === firstDot + 1) return undefined;
  const secondDot = paddingEnd(line, payloadEnd);
  if (line.charCodeAt(secondDot) !== DOT) return undefined;
  const signatureEnd = base64urlRunEnd(line, secondDot + 1);
  if (signatureEnd === secondDot + 1) return undefined;
  return { signatureStart: secondDot + 1, end: paddingEnd(line, signatureEnd) };
}

const DOT = 0x2e;
const EQUALS = 0x3d;

function isWordUnit(unit: number): boolean {
  return (
    (unit >= 0x30 && unit <= 0x39) ||
    (unit >= 0x41 && unit <= 0x5a) ||
    (unit >= 0x61 && unit <= 0x7a) ||
    unit === 0x5f
  );
}

function base64urlRunEnd(line: string, from: number): number {
  let index = from;
  while (index < line.length) {
    const unit = line.charCodeAt(index);
    if (!isWordUnit(unit) && unit !== 0x2d) break;
    index++;
  }
  return index;
}

/** Up to two "=" after a segment. */
function paddingEnd(line: string, from: number): number {
  let index = from;
  while (index < line.length && index - from < 2 && line.charCodeAt(index) === EQUALS) index++;
  return index;
}
