// Issue 13 ("verify ahead of aws-jwt-verify"): the verify path's fast paths must answer exactly what the slow
// paths they replace answer. Each property compares the fast path with a reference on random inputs:
// strict base64url from the decoded length (vs re-encoding), duplicate members from quote counts (vs the
// string-aware scan), three segments from three searches (vs split), and the checks shared between reports
// (one-slot and per-set memos, fixed checks) against what each token and its options must produce.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { segmentProblem, strictDecode } from '../../src/core/base64url.ts';
import { decodeToken } from '../../src/core/decode.ts';
import { findDuplicateKeys, parseJsonObject } from '../../src/core/jsonText.ts';
import { verifyWithKey, verifyWithSecret } from '../../src/core/signature.ts';
import type { JsonValue, VerifyOptions } from '../../src/core/types.ts';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import { verifyDecoded } from '../../src/core/verify/verifyToken.ts';
import {
  ALB_ARN,
  CLIENT_ID,
  ISSUER,
  NOW,
  albBlob,
  b64url,
  ecKey,
  idClaims,
  publicPem,
  rsaKey,
  signRaw,
  signToken,
} from '../support/tokens.ts';

/** The strict decode before the fast path: re-encode the bytes and compare with the text. */
function referenceStrictDecode(segment: string): Buffer | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  if (segment.charCodeAt(segment.length - 1) !== 61)
    return bytes.toString('base64url') === segment ? bytes : undefined;
  if (segmentProblem(segment) !== undefined) return undefined;
  return bytes.toString('base64url') === segment.replace(/=+$/, '') ? bytes : undefined;
}

const LATIN1 = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code));
// Base64url characters, their base64 cousins, "=", whitespace, every Latin-1 character, and wide characters
// whose low byte is a base64url character (Buffer reads U+0141 as "A").
const segmentCharacter = fc.oneof(
  fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
  fc.constantFrom('=', '+', '/', ' ', '\t', '\n', '.', '\u0141', '\u0144', '\u0161', '\uff41', '\u2b2b'),
  fc.constantFrom(...LATIN1),
);

const segmentText = fc.oneof(
  fc.string({ unit: segmentCharacter, maxLength: 24 }),
  // Canonical encodings, then padded, cut, or with one character changed: near misses are the hard cases.
  fc
    .tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(), segmentCharacter, fc.constantFrom(0, 1, 2, 3, 4))
    .map(([bytes, at, character, how]) => {
      const text = Buffer.from(bytes).toString('base64url');
      const i = at % (text.length + 1);
      if (how === 0) return text;
      if (how === 1) return b64url(bytes, true);
      if (how === 2) return `${text}${'='.repeat(1 + (at % 3))}`;
      if (how === 3) return text.slice(0, i) + character + text.slice(i + 1);
      return text.slice(0, i) + character + text.slice(i);
    }),
  // The same, inside a two-byte string (as when the token was cut from text holding an emoji).
  fc.uint8Array({ maxLength: 30 }).map((bytes) => `\u{1F600}${b64url(bytes)}`.slice(2)),
);

function sameBytes(actual: Buffer | undefined, expected: Buffer | undefined, label: string): void {
  assert.equal(actual === undefined, expected === undefined, label);
  if (actual && expected) assert.ok(actual.equals(expected), label);
}

describe('strict base64url: the decoded-length check is the re-encoding check', () => {
  test('property: same bytes or the same refusal, with and without a scratch buffer', () => {
    const scratch = Buffer.alloc(64);
    const tiny = Buffer.alloc(2);
    fc.assert(
      fc.property(segmentText, (segment) => {
        const expected = referenceStrictDecode(segment);
        const label = JSON.stringify(segment);
        sameBytes(strictDecode(segment), expected, label);
        sameBytes(strictDecode(segment, scratch), expected, `${label} (scratch)`);
        // A scratch too small for the segment is not used.
        sameBytes(strictDecode(segment, tiny), expected, `${label} (small scratch)`);
      }),
      { numRuns: 20_000 },
    );
  });

  test('the known traps: stray bits, "+" and "/", a wide character read as its low byte, misplaced padding', () => {
    for (const bad of [
      'QUJDRB',
      'QU+D',
      'QU/D',
      'QUJ\u0144',
      'QU=JD',
      'QUJD=',
      'QUJDRA=',
      'QQ===',
      'QUJDR',
    ]) {
      assert.equal(strictDecode(bad), undefined, JSON.stringify(bad));
      assert.equal(referenceStrictDecode(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(strictDecode('QUJDRA==')?.toString(), 'ABCD');
    assert.equal(strictDecode('QUJDRA')?.toString(), 'ABCD');
  });
});

/** JSON text of `value` with members written in random order, optionally one member repeated. */
function writeObject(value: Record<string, JsonValue>, repeat: number | undefined, escape: boolean): string {
  const keys = Object.keys(value);
  const members = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(value[key])}`);
  if (repeat !== undefined && keys.length > 0) {
    const key = keys[repeat % keys.length] as string;
    const spelled = escape
      ? `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
      : JSON.stringify(key);
    members.push(`${spelled}:"again"`);
  }
  return `{${members.join(',')}}`;
}

describe('duplicate members: the quote count agrees with the string-aware scan', () => {
  const object = fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
  test('property: duplicates are reported exactly when the scan finds some, and the same ones', () => {
    fc.assert(
      fc.property(object, fc.option(fc.nat()), fc.boolean(), (value, repeat, escape) => {
        const text = writeObject(value as Record<string, JsonValue>, repeat ?? undefined, escape);
        const parsed = parseJsonObject(text);
        assert.ok(parsed.ok, text);
        assert.deepEqual([...parsed.parsed.duplicateKeys].sort(), [...findDuplicateKeys(text)].sort(), text);
        if (repeat !== null && Object.keys(value).length > 0)
          assert.ok(parsed.parsed.duplicateKeys.length > 0, text);
      }),
      { numRuns: 5000 },
    );
  });

  test('strings full of quotes and backslashes, keys that look like members, nested repeats', () => {
    for (const [text, expected] of [
      ['{"a":"\\"b\\":1","b":2}', []],
      ['{"a":"x","b":{"a":"y","a":"z"}}', ['a']],
      ['{"a":["\\"","\\\\"],"a":1}', ['a']],
      ['{"k":"v:\\"k\\":v","k2":"\\u0022"}', []],
      ['{"\\u0061":1,"a":2}', ['a']],
    ] as const) {
      const parsed = parseJsonObject(text);
      assert.ok(parsed.ok, text);
      assert.deepEqual(parsed.parsed.duplicateKeys, expected, text);
    }
  });
});

describe('three segments from three searches', () => {
  test('property: the segment count in the message, and JWEs, are what split says', () => {
    const dotted = fc.array(fc.constantFrom('e30', 'eyJhIjoxfQ', '', 'x', 'QUJD'), { maxLength: 7 });
    fc.assert(
      fc.property(dotted, (parts) => {
        const text = parts.join('.');
        if (text.trim() === '' || text.trim().startsWith('{')) return;
        const decoded = decodeToken(text);
        const count = text.trim().split('.').length;
        if (count === 5) assert.equal(decoded.token.kind, 'jwe', text);
        else if (count !== 3) assert.match(decoded.format.message, new RegExp(`this has ${count}$`), text);
        else assert.doesNotMatch(decoded.format.message, /dot-separated/, text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('shared checks never carry one token or option value to another', () => {
  const rsa = rsaKey();
  const ec = ecKey();
  const otherEc = ecKey();
  const jwks = { type: 'jwks' as const, jwks: { keys: [rsa.jwk] }, label: 'inline JWKS' };
  const otherIssuer = `${ISSUER}x`;
  const otherArn = ALB_ARN.replace(/\/[0-9a-f]+$/, '/0000000000000000');
  const otherClient = `${CLIENT_ID}2`;
  const cognito = (iss: string, kid: string): string =>
    signToken(
      { kid, alg: 'RS256' },
      idClaims({ iat: NOW - 60, auth_time: NOW - 60, exp: NOW + 3600 }, iss),
      rsa.privateKey,
    );
  const alb = (key: typeof ec, signer: string, client: string): string =>
    albBlob(key, { header: { signer, client, exp: NOW + 3600 }, payload: { exp: NOW + 3600 } });

  test('property: random sequences of issuers, kids, load balancers, clients and key sources', async () => {
    const step = fc.record({
      cognito: fc.boolean(),
      tokenIssuer: fc.constantFrom(ISSUER, otherIssuer),
      expectedIssuer: fc.constantFrom(ISSUER, otherIssuer),
      kid: fc.constantFrom(rsa.kid, 'other-kid'),
      albKey: fc.constantFrom(ec, otherEc),
      signer: fc.constantFrom(ALB_ARN, otherArn),
      expectedArn: fc.constantFrom(ALB_ARN, otherArn),
      client: fc.constantFrom(CLIENT_ID, otherClient),
      expectedClient: fc.constantFrom(CLIENT_ID, otherClient),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        for (const s of steps) {
          if (s.cognito) {
            const options: VerifyOptions = {
              now: NOW,
              issuer: s.expectedIssuer,
              audience: [CLIENT_ID],
              tokenUse: 'id',
              keySource: jwks,
            };
            const report = await inspectToken(cognito(s.tokenIssuer, s.kid), options, { keys: noKeys });
            const by = (id: string) => report.checks.find((c) => c.id === id);
            assert.equal(by('iss')?.status, s.tokenIssuer === s.expectedIssuer ? 'pass' : 'fail');
            assert.equal(by('iss')?.expected, s.expectedIssuer);
            assert.equal(by('kid')?.actual, s.kid);
            assert.equal(by('kid')?.status, s.kid === rsa.kid ? 'pass' : 'fail');
            assert.equal(by('signature')?.status === 'pass', s.kid === rsa.kid);
            assert.equal(report.valid, s.tokenIssuer === s.expectedIssuer && s.kid === rsa.kid);
          } else {
            const options: VerifyOptions = {
              now: NOW,
              issuer: ISSUER,
              clientId: s.expectedClient,
              albArn: s.expectedArn,
              keySource: { type: 'pem', pem: publicPem(ec), label: 'ALB key' },
            };
            const report = await inspectToken(alb(s.albKey, s.signer, s.client), options, { keys: noKeys });
            const by = (id: string) => report.checks.find((c) => c.id === id);
            assert.equal(by('signer')?.status, s.signer === s.expectedArn ? 'pass' : 'fail');
            assert.equal(by('signer')?.expected, s.expectedArn);
            assert.equal(by('signer')?.actual, s.signer);
            assert.equal(by('client')?.status, s.client === s.expectedClient ? 'pass' : 'fail');
            assert.equal(by('client')?.actual, s.client);
            assert.equal(by('signature')?.status, s.albKey === ec ? 'pass' : 'fail');
            const valid = s.signer === s.expectedArn && s.client === s.expectedClient && s.albKey === ec;
            assert.equal(report.valid, valid);
          }
          // Without expectations nothing remembered from the step before may be compared.
          const unpinned = await inspectToken(
            cognito(ISSUER, rsa.kid),
            { now: NOW, keySource: jwks },
            { keys: noKeys },
          );
          assert.equal(unpinned.checks.find((c) => c.id === 'iss')?.status, 'warn');
          assert.equal(unpinned.checks.find((c) => c.id === 'iss')?.expected, undefined);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('a token verified after another token was decoded still uses its own signature', async () => {
    const good = decodeToken(cognito(ISSUER, rsa.kid));
    const forgedText = signRaw(
      JSON.stringify({ kid: rsa.kid, alg: 'RS256' }),
      JSON.stringify(idClaims({ exp: NOW + 3600 })),
      rsaKey().privateKey,
      'RS256',
    );
    const forged = decodeToken(forgedText);
    const options: VerifyOptions = { now: NOW, issuer: ISSUER, keySource: jwks };
    const sig = (checks: { id: string; status: string }[]) =>
      checks.find((c) => c.id === 'signature')?.status;
    // `good` is no longer the latest decode: its signature bytes come from its own segment.
    assert.equal(sig((await verifyDecoded(good, options, { keys: noKeys })).checks), 'pass');
    assert.equal(sig((await verifyDecoded(forged, options, { keys: noKeys })).checks), 'fail');
    assert.equal(sig((await verifyDecoded(good, options, { keys: noKeys })).checks), 'pass');
  });

  test('the reused signing-input buffer: interleaved, large and HMAC inputs verify as one-off copies do', () => {
    const secret = Buffer.from('a shared secret that is long enough for HS256!!');
    const inputs = ['a.b', 'x'.repeat(20_000), `${b64url('{"alg":"HS256"}')}.${b64url('{}')}`, '', 'a.b'];
    for (const input of inputs) {
      const mac = Buffer.from(hmac(secret, input));
      assert.deepEqual(verifyWithSecret('HS256', input, mac, secret), { ok: true }, `HS256 ${input.length}`);
      const flipped = Buffer.from(mac);
      flipped[0] = (flipped[0] ?? 0) ^ 1;
      assert.equal(verifyWithSecret('HS256', input, flipped, secret).ok, false);
    }
    const token = cognito(ISSUER, rsa.kid);
    const dot = token.lastIndexOf('.');
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    for (const input of ['y'.repeat(17_000), token.slice(0, dot), 'z'])
      assert.equal(verifyWithKey('RS256', input, signature, rsa.publicKey).ok, input === token.slice(0, dot));
  });
});

const noKeys = {
  jwks: () => Promise.reject(new Error('no network in this test')),
  albKey: () => Promise.reject(new Error('no network in this test')),
  peekJwks: () => undefined,
  peekAlbKey: () => undefined,
  clear: () => undefined,
};

function hmac(secret: Buffer, input: string): Buffer {
  // node:crypto directly: the reference the verifier's reused buffer must match.
  return createHmac('sha256', secret).update(Buffer.from(input, 'latin1')).digest();
}
