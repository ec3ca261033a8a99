// "What if the token said...": edit claims, re-sign with a throwaway key, and verify as usual minus the signature.
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { DecodeResult } from '../verify/inspect.ts';
import type { KeyProvider, KeyResult, KeySet, VerificationKey } from '../keys/types.ts';
import type { JsonObject, JsonValue } from '../types.ts';
import { setOwn } from './backendContext.ts';
import type { WhatIfEdits } from './result.ts';

/** An edited token plus a key provider that vouches for it; `edits` describe the changes for the trace. */
export type EditedToken =
  | { ok: true; token: string; keys: KeyProvider; edits: string[]; resigned: boolean }
  | { ok: false; message: string };

interface Throwaway {
  rsa: { privateKey: KeyObject; publicKey: KeyObject };
  ec: { privateKey: KeyObject; publicKey: KeyObject };
}

let throwaway: Throwaway | undefined;

function keys(): Throwaway {
  throwaway ??= {
    rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  };
  return throwaway;
}

/** True when the what-if has anything to change. */
export function hasEdits(edits: WhatIfEdits | undefined): boolean {
  return (
    edits !== undefined &&
    (Object.keys(edits.set ?? {}).length > 0 ||
      (edits.addGroups ?? []).length > 0 ||
      (edits.addScopes ?? []).length > 0)
  );
}

/** `--set` values: JSON numbers, booleans, null, arrays and objects are parsed; anything else is a string. */
function parseClaimValue(text: string): JsonValue {
  if (/^\s*(-?\d|true\s*$|false\s*$|null\s*$|\[|\{|")/.test(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}

/** Apply the edits to a copy of the claims. */
function editClaims(payload: JsonObject, edits: WhatIfEdits): { claims: JsonObject; edits: string[] } {
  const claims: JsonObject = {};
  for (const [k, v] of Object.entries(payload)) setOwn(claims, k, v);
  const described: string[] = [];
  for (const [name, raw] of Object.entries(edits.set ?? {})) {
    const value = parseClaimValue(raw);
    setOwn(claims, name, value);
    described.push(`set ${name} = ${JSON.stringify(value)}`);
  }
  if ((edits.addGroups ?? []).length > 0) {
    const current = Object.hasOwn(claims, 'cognito:groups') ? claims['cognito:groups'] : undefined;
    const groups: JsonValue[] = Array.isArray(current)
      ? [...current]
      : typeof current === 'string'
        ? [current]
        : [];
    for (const g of edits.addGroups ?? []) {
      if (!groups.includes(g)) groups.push(g);
      described.push(`added group ${g}`);
    }
    setOwn(claims, 'cognito:groups', groups);
  }
  if ((edits.addScopes ?? []).length > 0) {
    const useScp = !Object.hasOwn(claims, 'scope') && Object.hasOwn(claims, 'scp');
    if (useScp && Array.isArray(claims.scp)) {
      const list = [...claims.scp];
      for (const s of edits.addScopes ?? []) if (!list.includes(s)) list.push(s);
      setOwn(claims, 'scp', list);
    } else {
      const name = useScp ? 'scp' : 'scope';
      const current = claims[name];
      const list = typeof current === 'string' ? current.split(/\s+/).filter((s) => s !== '') : [];
      for (const s of edits.addScopes ?? []) if (!list.includes(s)) list.push(s);
      setOwn(claims, name, list.join(' '));
    }
    for (const s of edits.addScopes ?? []) described.push(`added scope ${s}`);
  }
  return { claims, edits: described };
}

function segment(data: Uint8Array | string, padded: boolean): string {
  const text = Buffer.from(data).toString('base64url');
  return padded ? text + '='.repeat((4 - (text.length % 4)) % 4) : text;
}

function keySet(source: string, key: VerificationKey): KeyResult<KeySet> {
  return { ok: true, value: { source, keys: [key], warnings: [], fetchedAt: undefined, stale: false } };
}

/** Edit the claims of a decoded token and re-sign it so every check but the signature runs as usual. */
export function editToken(decoded: DecodeResult, edits: WhatIfEdits): EditedToken {
  const report = decoded.token;
  const segments = report.text.split('.');
  if (!report.payload || !report.header || segments.length !== 3) {
    return { ok: false, message: 'the token could not be decoded, so its claims cannot be edited' };
  }
  const { claims, edits: described } = editClaims(report.payload, edits);
  const padded = (segments[0] ?? '').endsWith('=') || (segments[1] ?? '').endsWith('=');
  const headerSegment = segments[0] ?? '';
  const signingInput = `${headerSegment}.${segment(JSON.stringify(claims), padded)}`;
  const alg = report.header.alg;
  const kid = typeof report.header.kid === 'string' ? report.header.kid : undefined;
  const pair = keys();
  let signature: Buffer;
  let key: VerificationKey;
  if (alg === 'RS256') {
    signature = sign('sha256', Buffer.from(signingInput), pair.rsa.privateKey);
    key = {
      kid,
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
      detail: 'RSA 2048 (what-if)',
      keyObject: pair.rsa.publicKey,
    };
  } else if (alg === 'ES256') {
    signature = sign('sha256', Buffer.from(signingInput), {
      key: pair.ec.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    key = {
      kid,
      kty: 'EC',
      alg: 'ES256',
      use: 'sig',
      detail: 'P-256 (what-if)',
      keyObject: pair.ec.publicKey,
    };
  } else {
    const original = `${signingInput}.${segments[2] ?? ''}`;
    return { ok: true, token: original, keys: refusingProvider(), edits: described, resigned: false };
  }
  const provider: KeyProvider = {
    jwks: (url) => Promise.resolve(keySet(`${url} (what-if key)`, key)),
    albKey: (baseUrl, k) => Promise.resolve(keySet(`${baseUrl}/${k} (what-if key)`, key)),
    peekJwks: (url) => {
      const r = keySet(`${url} (what-if key)`, key);
      return r.ok ? r.value : undefined;
    },
    peekAlbKey: (baseUrl, k) => {
      const r = keySet(`${baseUrl}/${k} (what-if key)`, key);
      return r.ok ? r.value : undefined;
    },
    clear: () => undefined,
  };
  return {
    ok: true,
    token: `${signingInput}.${segment(signature, padded)}`,
    keys: provider,
    edits: described,
    resigned: true,
  };
}

function refusingProvider(): KeyProvider {
  const none: KeyResult<KeySet> = {
    ok: false,
    error: { code: 'no-key', message: 'what-if: no key for this algorithm' },
  };
  return {
    jwks: () => Promise.resolve(none),
    albKey: () => Promise.resolve(none),
    peekJwks: () => undefined,
    peekAlbKey: () => undefined,
    clear: () => undefined,
  };
}
