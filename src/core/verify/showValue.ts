// Claim values as short display text for check messages and their actual/expected fields.
import type { JsonValue } from '../types.ts';

/** Compact JSON for messages, cut to a readable length. */
export function show(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  return shortText(typeof value === 'string' ? value : JSON.stringify(value));
}

export function shortText(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
