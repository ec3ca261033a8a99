// JSON objects from token segments: JSON.parse for speed, plus what it hides (duplicate keys, depth).
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
  const stats: KeyStats = { keys: 0, tooDeep: false, protoKey: false };
  countKeys(value as JsonValue, 1, stats);
  // Fast path: in compact JSON a key is a string followed by a colon; when the raw count matches the parsed
  // count, no key was repeated. Any mismatch (spaces, '":' inside strings, depth cap) takes the exact path.
  const rawKeyLike = countOccurrences(text, '":');
  const duplicateKeys = rawKeyLike === stats.keys ? [] : findDuplicateKeys(text);
  return {
    ok: true,
    parsed: { value: value as JsonObject, duplicateKeys, tooDeep: stats.tooDeep, protoKey: stats.protoKey },
  };
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  let at = text.indexOf(needle);
  while (at !== -1) {
    count++;
    at = text.indexOf(needle, at + needle.length);
  }
  return count;
}

interface KeyStats {
  keys: number;
  tooDeep: boolean;
  protoKey: boolean;
}

function countKeys(value: JsonValue, depth: number, stats: KeyStats): void {
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

/** Slow path: tokenize the text and report keys repeated within one object. */
export function findDuplicateKeys(text: string): string[] {
  const duplicates = new Set<string>();
  // Stack of key sets for open objects; null marks an open array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          key = text.slice(i + 1, end);
        }
        if (top.has(key)) duplicates.add(key);
        else top.add(key);
        expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (ch === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === '[') {
      stack.push(null);
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      expectKey = stack[stack.length - 1] !== null && stack.length > 0;
    }
    i++;
  }
  return [...duplicates];
}

function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i;
    else i++;
  }
  return text.length - 1;
}
