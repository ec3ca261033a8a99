// JSON objects from token segments: JSON.parse for speed, plus what it hides (duplicate keys, depth), exactly.
import type { JsonObject, JsonValue } from './types.ts';

/** Deeper structures are not rendered, hovered or posted anywhere (JSON.stringify breaks near 5,000). */
export const MAX_DEPTH = 64;

export interface ParsedJsonObject {
  value: JsonObject;
  /** Keys that occur more than once in one object, as written (JSON.parse silently keeps the last). */
  duplicateKeys: string[];
  /** Nesting deeper than MAX_DEPTH. */
  tooDeep: boolean;
  /** A `__proto__`, `constructor` or `prototype` key appears at any depth. */
  protoKey: boolean;
}

export type JsonObjectResult = { ok: true; parsed: ParsedJsonObject } | { ok: false; message: string };

/** Parse text that must be a JSON object. Never throws. */
export function parseJsonObject(text: string): JsonObjectResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `is not valid JSON (${(error as Error).message})` };
  }
  if (value === null || typeof value !== 'object') return { ok: false, message: 'is not a JSON object' };
  if (Array.isArray(value)) return { ok: false, message: 'is a JSON array, not an object' };
  const stats: KeyStats = { keys: 0, strings: 0, tooDeep: false, protoKey: false };
  countKeys(value as JsonValue, 1, stats);
  // JSON.parse merges repeated members, so the text holds more strings than the parsed value exactly when some
  // object repeats a key (escaped spellings included: JSON.parse decodes them). Text without a backslash has no
  // escaped quote, so its strings are its quote marks halved: one native search. Otherwise members are counted
  // with a string-aware pass. Naming the repeats takes a further pass only when the counts differ.
  const unique = stats.tooDeep
    ? false
    : text.includes('\\')
      ? countMembersInText(text) === stats.keys
      : countQuotes(text) === 2 * (stats.keys + stats.strings);
  const duplicateKeys = unique ? [] : findDuplicateKeys(text);
  return {
    ok: true,
    parsed: { value: value as JsonObject, duplicateKeys, tooDeep: stats.tooDeep, protoKey: stats.protoKey },
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** RFC 8259 insignificant whitespace: space, tab, LF, CR (the only ones JSON.parse accepts). */
function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * Index of the quote closing the string opened at `start`. In valid JSON a quote is escaped exactly when an odd
 * number of backslashes precede it; each backslash run is walked once, so the whole scan stays linear.
 */
function closingQuote(text: string, start: number): number {
  let at = text.indexOf('"', start + 1);
  while (at !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return text.length - 1;
}

/** Index of the first non-whitespace character at or after `from`. */
function skipWhitespace(text: string, from: number): number {
  let at = from;
  while (at < text.length && isJsonWhitespace(text.charCodeAt(at))) at++;
  return at;
}

/** Members written in valid JSON text: in valid JSON a string followed (after whitespace) by ':' is a key. */
function countMembersInText(text: string): number {
  let count = 0;
  let at = text.indexOf('"');
  while (at !== -1) {
    const end = closingQuote(text, at);
    const next = skipWhitespace(text, end + 1);
    if (text.charCodeAt(next) === COLON) count++;
    at = text.indexOf('"', next);
  }
  return count;
}

/** Quote marks in the text (in text without backslashes, each string has exactly two). */
function countQuotes(text: string): number {
  let count = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) count++;
  return count;
}

interface KeyStats {
  /** Object members, at any depth. */
  keys: number;
  /** String values (not keys), at any depth. */
  strings: number;
  tooDeep: boolean;
  protoKey: boolean;
}

function countKeys(value: JsonValue, depth: number, stats: KeyStats): void {
  if (typeof value === 'string') {
    stats.strings++;
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) {
    stats.tooDeep = true;
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) countKeys(item, depth + 1, stats);
    return;
  }
  for (const key of Object.keys(value)) {
    stats.keys++;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') stats.protoKey = true;
    countKeys(value[key] as JsonValue, depth + 1, stats);
  }
}

/** Keys repeated within one object of valid JSON text, decoded (`"\u0061lg"` is `alg`). Linear. */
export function findDuplicateKeys(text: string): string[] {
  const duplicates = new Set<string>();
  // Key sets of the open containers, innermost last; null marks an open array.
  const stack: (Set<string> | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = closingQuote(text, i);
      const next = skipWhitespace(text, end + 1);
      const top = stack[stack.length - 1];
      if (top && text.charCodeAt(next) === COLON) {
        const key = decodeKey(text.slice(i, end + 1));
        if (top.has(key)) duplicates.add(key);
        else top.add(key);
      }
      i = next;
      continue;
    }
    if (code === 0x7b) stack.push(new Set());
    else if (code === 0x5b) stack.push(null);
    else if (code === 0x7d || code === 0x5d) stack.pop();
    i++;
  }
  return [...duplicates];
}

/** A key as JSON.parse reads it: only escaped keys need decoding. */
function decodeKey(quoted: string): string {
  if (!quoted.includes('\\')) return quoted.slice(1, -1);
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}
