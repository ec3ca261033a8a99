// Structure of a compact token: segments, strict base64url, JSON objects, and what kind of token it is.
import { looksLikeAlbSigner } from './awsIdentifiers.ts';
import { bytesText, segmentProblem, strictDecode, strictProblem } from './base64url.ts';
import { check } from './findings.ts';
import type { CheckReason } from './findings.ts';
import { MAX_TOKEN_BYTES } from './inputParse.ts';
import { MAX_DEPTH, parseJsonObject } from './jsonText.ts';
import type { DecodeResult, DecodedToken, JsonObject, JsonValue, TokenKind } from './types.ts';

export type { DecodeResult } from './types.ts';

/**
 * Where a character of textSafety's table can come from in valid JSON text: raw, only at or above DEL (0x7f; raw
 * C0 controls are invalid JSON); escaped, as `\uXXXX`, `\b`, `\f` or `\r` (`\n` and `\t` are layout, not hidden).
 * Any backslash followed by another character is counted, so an escaped backslash before a `u` errs on the safe side.
 */
const INVISIBLE_SOURCE = /[\u007f-\uffff]|\\[^"\\/nt]/;

function mayHoldInvisible(raw: string): boolean {
  // Most tokens hold no backslash at all: two plain searches answer for them without the regex.
  if (!raw.includes('\\')) return raw.includes('\u007f');
  return INVISIBLE_SOURCE.test(raw);
}

const SEGMENT_NAMES = ['header', 'payload', 'signature'] as const;

/** Nothing decoded: the token as given, no segments. */
function emptyToken(text: string): DecodedToken {
  return {
    kind: 'invalid',
    text,
    header: null,
    payload: null,
    rawHeader: undefined,
    rawPayload: undefined,
    signingInput: '',
    signatureSegment: '',
    padded: false,
  };
}

/** A format failure (module level: a closure per call costs on the hot path). */
function invalidResult(text: string, message: string, reason: CheckReason = 'malformed'): DecodeResult {
  return {
    token: emptyToken(text),
    format: check('format', 'fail', message, { reason }),
    duplicateHeaderKeys: [],
    duplicatePayloadKeys: [],
    tooDeep: false,
    protoKey: false,
    maybeInvisible: false,
  };
}

/**
 * The signature bytes of the token decoded last (decoded and checked canonical by decodeToken): verification
 * usually follows its decode directly, so it does not decode them again. One slot, not a map: nothing to look up
 * or collect per token, and nothing held beyond the latest token.
 */
let lastSigned: DecodedToken | undefined;
let lastSignature: Buffer | undefined;

/** The decoded signature segment of a token (from its decode when it was the latest one). */
export function signatureBytes(token: DecodedToken): Buffer {
  if (token === lastSigned && lastSignature !== undefined) return lastSignature;
  // The segment was checked canonical when the token was decoded: a plain decode gives the same bytes.
  return Buffer.from(token.signatureSegment, 'base64url');
}

/**
 * Decoded header segments, by their exact text: tokens of one issuer and key share the same header, so its
 * strict decode, UTF-8 check, parse and key count are done once. Values are deep-frozen because tokens share
 * them. Bounded: attacker-chosen headers replace each other instead of growing the map.
 */
const headerCache = new Map<string, SegmentJson & { ok: true }>();
const MAX_CACHED_HEADERS = 64;
const MAX_CACHED_HEADER_LENGTH = 2048;

/**
 * The header decoded last, checked first: comparing two strings stops at the first difference and needs no hash,
 * while a map lookup hashes every character of a fresh segment (an ALB header is about 300 of them).
 */
let lastHeader: { segment: string; header: SegmentJson & { ok: true } } | undefined;

function decodeHeaderSegment(segment: string): SegmentJson | undefined {
  if (lastHeader !== undefined && lastHeader.segment === segment) return lastHeader.header;
  const cached = headerCache.get(segment);
  if (cached !== undefined) {
    lastHeader = { segment, header: cached };
    return cached;
  }
  const bytes = strictDecode(segment);
  if (bytes === undefined) return undefined;
  const header = decodeJsonSegment(bytes, 'header');
  if (header.ok && !header.tooDeep && segment.length <= MAX_CACHED_HEADER_LENGTH) {
    deepFreeze(header.value);
    Object.freeze(header.duplicates);
    if (headerCache.size >= MAX_CACHED_HEADERS) headerCache.clear();
    headerCache.set(segment, header);
  }
  return header;
}

function deepFreeze(value: JsonValue): void {
  if (value === null || typeof value !== 'object') return;
  Object.freeze(value);
  for (const item of Array.isArray(value) ? value : Object.values(value)) deepFreeze(item);
}

/**
 * Where payload segments are decoded: their bytes become text at once (decodeJsonSegment) and decoding is
 * synchronous, so one buffer serves every token. Sized for the largest token accepted, allocated on first use.
 */
let payloadBuffer: Buffer | undefined;

function payloadScratch(): Buffer {
  return (payloadBuffer ??= Buffer.allocUnsafe(Math.ceil(MAX_TOKEN_BYTES / 4) * 3));
}

/** The passed format checks, shared by every decode and frozen so that no report can change another's. */
const FORMAT_PLAIN = Object.freeze(check('format', 'pass', 'three base64url segments'));
const FORMAT_PADDED = Object.freeze(check('format', 'pass', 'three base64url segments (with "=" padding)'));

/** Decode a compact JWS (or recognise a JWE) without verifying anything. Never throws. */
export function decodeToken(text: string): DecodeResult {
  const trimmed = text.trim();

  if (trimmed === '') return invalidResult(trimmed, 'empty input: no token to inspect', 'missing');
  if (trimmed.length > MAX_TOKEN_BYTES) {
    return invalidResult(
      trimmed,
      `token is ${Math.ceil(trimmed.length / 1024)} KiB; the limit is ${MAX_TOKEN_BYTES / 1024} KiB`,
      'unsupported',
    );
  }
  if (trimmed.startsWith('{'))
    return invalidResult(
      trimmed,
      'JSON-serialized JWS is not supported: paste the compact form',
      'unsupported',
    );
  // Three segments, found with three searches (no array); anything else is split to be named or read as a JWE.
  const firstDot = trimmed.indexOf('.');
  const secondDot = firstDot === -1 ? -1 : trimmed.indexOf('.', firstDot + 1);
  if (secondDot === -1 || trimmed.includes('.', secondDot + 1)) return otherSegmentCount(trimmed);
  const headerSegment = trimmed.slice(0, firstDot);
  const payloadSegment = trimmed.slice(firstDot + 1, secondDot);
  const signatureSegment = trimmed.slice(secondDot + 1);
  if (headerSegment === '' || payloadSegment === '')
    return invalidResult(trimmed, 'the header or payload segment is empty');
  const header = decodeHeaderSegment(headerSegment);
  const payloadBytes = header === undefined ? undefined : strictDecode(payloadSegment, payloadScratch());
  const signature = payloadBytes === undefined ? undefined : strictDecode(signatureSegment);
  if (header === undefined || payloadBytes === undefined || signature === undefined) {
    if (/\s/.test(trimmed)) return invalidResult(trimmed, 'the token contains whitespace inside it');
    const index = header === undefined ? 0 : payloadBytes === undefined ? 1 : 2;
    return invalidResult(
      trimmed,
      `the ${SEGMENT_NAMES[index]} segment ${strictProblem([headerSegment, payloadSegment, signatureSegment][index] ?? '')}`,
    );
  }
  const padded = trimmed.includes('=');

  if (!header.ok) return invalidResult(trimmed, header.message);
  const payload = decodeJsonSegment(payloadBytes, 'payload');
  if (!payload.ok) return invalidResult(trimmed, payload.message);

  const token: DecodedToken = {
    kind: classify(header.value, payload.value),
    text: trimmed,
    header: header.value,
    payload: payload.value,
    rawHeader: header.raw,
    rawPayload: payload.raw,
    // A slice of the flat text, not a concatenation: crypto gets its bytes without flattening a rope first.
    signingInput: trimmed.slice(0, headerSegment.length + 1 + payloadSegment.length),
    signatureSegment,
    padded,
  };
  lastSigned = token;
  lastSignature = signature;
  const result: DecodeResult = {
    token,
    format: padded ? FORMAT_PADDED : FORMAT_PLAIN,
    duplicateHeaderKeys: header.duplicates,
    duplicatePayloadKeys: payload.duplicates,
    tooDeep: header.tooDeep || payload.tooDeep,
    protoKey: header.protoKey || payload.protoKey,
    maybeInvisible: header.maybeInvisible || payload.maybeInvisible,
  };
  const problem = structuralProblem(result);
  if (problem) result.format = check('format', 'fail', problem.message, { reason: problem.reason });
  return result;
}

/** A token that is not three segments: a JWE (five), or a format failure that says how many it has. */
function otherSegmentCount(trimmed: string): DecodeResult {
  const segments = trimmed.split('.');
  if (segments.length === 5) return decodeJwe(trimmed, segments, emptyToken(trimmed));
  return invalidResult(trimmed, `a signed JWT has 3 dot-separated segments; this has ${segments.length}`);
}

type SegmentJson =
  | {
      ok: true;
      value: JsonObject;
      raw: string;
      duplicates: string[];
      tooDeep: boolean;
      protoKey: boolean;
      maybeInvisible: boolean;
    }
  | { ok: false; message: string };

function decodeJsonSegment(bytes: Buffer, name: 'header' | 'payload'): SegmentJson {
  const decoded = bytesText(bytes);
  if (decoded === undefined) return { ok: false, message: `the ${name} is not valid UTF-8` };
  const raw = decoded.text;
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return { ok: false, message: `the ${name} ${parsed.message}` };
  const { value, duplicateKeys, tooDeep, protoKey } = parsed.parsed;
  return {
    ok: true,
    value: tooDeep ? capDepth(value) : value,
    raw,
    duplicates: duplicateKeys,
    tooDeep,
    protoKey,
    maybeInvisible: !decoded.ascii || mayHoldInvisible(raw),
  };
}

/** Problems that make a well-formed token unacceptable whatever the keys say. */
function structuralProblem(result: DecodeResult): { message: string; reason: CheckReason } | undefined {
  const header = result.token.header ?? {};
  if (result.duplicateHeaderKeys.length > 0) {
    return {
      message: `the header repeats ${list(result.duplicateHeaderKeys)} (JSON.parse would silently keep the last; RFC 7515 §4 lets verifiers reject this)`,
      reason: 'malformed',
    };
  }
  if (result.duplicatePayloadKeys.length > 0) {
    return {
      message: `the payload repeats the claim ${list(result.duplicatePayloadKeys)} (which value a service reads depends on its parser)`,
      reason: 'malformed',
    };
  }
  if (Object.hasOwn(header, 'crit')) {
    return {
      message: `the header lists critical extensions (crit: ${short(header['crit'])}) that this verifier does not support`,
      reason: 'unsupported',
    };
  }
  if (Object.hasOwn(header, 'b64'))
    return {
      message: 'the header sets b64 (unencoded payload, RFC 7797): not supported',
      reason: 'unsupported',
    };
  if (result.tooDeep)
    return { message: `the token nests JSON deeper than ${MAX_DEPTH} levels`, reason: 'unsupported' };
  return undefined;
}

function decodeJwe(text: string, segments: string[], empty: DecodedToken): DecodeResult {
  let header: JsonObject | null = null;
  let rawHeader: string | undefined;
  const first = segments[0] ?? '';
  const firstBytes = segmentProblem(first) === undefined ? strictDecode(first) : undefined;
  if (firstBytes) {
    const decoded = decodeJsonSegment(firstBytes, 'header');
    if (decoded.ok) {
      header = decoded.value;
      rawHeader = decoded.raw;
    }
  }
  return {
    token: { ...empty, kind: 'jwe', text, header, rawHeader },
    format: check(
      'format',
      'fail',
      'encrypted token (JWE, 5 segments), such as a Cognito refresh token: its contents cannot be inspected or verified',
      { reason: 'unsupported' },
    ),
    duplicateHeaderKeys: [],
    duplicatePayloadKeys: [],
    tooDeep: false,
    protoKey: false,
    maybeInvisible: false,
  };
}

/** Cognito ID/access by token_use; ALB by the signer header; anything else is a generic JWT. */
export function classify(header: JsonObject, payload: JsonObject): TokenKind {
  if (looksLikeAlbSigner(header['signer'])) return 'alb-data';
  if (payload['token_use'] === 'id') return 'cognito-id';
  if (payload['token_use'] === 'access') return 'cognito-access';
  return 'jwt';
}

/** Replace structures deeper than MAX_DEPTH with a marker so nothing downstream recurses too far. */
function capDepth(value: JsonObject): JsonObject {
  return capValue(value, 1) as JsonObject;
}

function capValue(value: JsonValue, depth: number): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return `[nested deeper than ${MAX_DEPTH} levels: not shown]`;
  if (Array.isArray(value)) return value.map((item) => capValue(item, depth + 1));
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, {
      value: capValue(value[key] as JsonValue, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function list(names: string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}

function short(value: JsonValue | undefined): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
