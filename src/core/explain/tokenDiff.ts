// Compare two decoded tokens claim by claim (a working one and a failing one): differences first, then what matches.
import { redactText } from '../redact.ts';
import type { DecodeResult, JsonObject, JsonValue } from '../types.ts';

/** One claim (or `header.x` field) whose value differs, or that only one token carries. */
export interface ClaimDifference {
  claim: string;
  /** Absent when token A does not carry the claim. */
  a?: JsonValue;
  b?: JsonValue;
}

/** The comparison: the token kinds, the differences (payload claims, then header fields) and the equal names. */
export interface TokenDiff {
  kinds: { a: string; b: string };
  differences: ClaimDifference[];
  same: string[];
}

/** Header fields are prefixed so `header.alg` never collides with a payload claim named `alg`. */
const HEADER_PREFIX = 'header.';

/** Canonical JSON text (object keys sorted) so {a,b} and {b,a} compare equal; nesting is bounded by the decoder. */
function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function compareObjects(
  a: JsonObject | null,
  b: JsonObject | null,
  prefix: string,
  differences: ClaimDifference[],
  same: string[],
): void {
  const left = a ?? {};
  const right = b ?? {};
  // Token A's order first, then the names only B carries, in B's order.
  const names = [...Object.keys(left), ...Object.keys(right).filter((k) => !Object.hasOwn(left, k))];
  for (const name of names) {
    const inA = Object.hasOwn(left, name);
    const inB = Object.hasOwn(right, name);
    const va = inA ? left[name] : undefined;
    const vb = inB ? right[name] : undefined;
    const claim = `${prefix}${name}`;
    if (va !== undefined && vb !== undefined && canonical(va) === canonical(vb)) {
      same.push(claim);
      continue;
    }
    const difference: ClaimDifference = { claim };
    if (va !== undefined) difference.a = va;
    if (vb !== undefined) difference.b = vb;
    differences.push(difference);
  }
}

/** Claims of A and B side by side: payload differences, then header differences; `same` lists the equal names. */
export function diffTokens(a: DecodeResult, b: DecodeResult): TokenDiff {
  const differences: ClaimDifference[] = [];
  const same: string[] = [];
  compareObjects(a.token.payload, b.token.payload, '', differences, same);
  compareObjects(a.token.header, b.token.header, HEADER_PREFIX, differences, same);
  return { kinds: { a: a.token.kind, b: b.token.kind }, differences, same };
}

/** Claim names whose values are credentials in some IdPs (an embedded access or refresh token, a key). */
const SECRET_CLAIM =
  /(?:^|[_:.-])(?:secret|password|passwd|api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|session[_-]?token|credentials?)$/i;

/** True when a claim's value should never be shown (its name says it holds a credential). */
export function isSecretClaim(claim: string): boolean {
  return SECRET_CLAIM.test(claim);
}

/**
 * The value as a surface may show it: a credential-named claim becomes "<redacted: N chars>", any embedded JWT
 * loses its signature (header.payload.<redacted>). Display only; the diff itself keeps the values.
 */
export function shownClaimValue(claim: string, value: JsonValue): JsonValue {
  if (isSecretClaim(claim)) {
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
    return `<redacted: ${text.length} chars>`;
  }
  if (typeof value === 'string') return redactText(value);
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value);
    const redacted = redactText(text);
    return redacted === text ? value : (JSON.parse(redacted) as JsonValue);
  }
  return value;
}
