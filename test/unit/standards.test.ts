// Issue 9 class 5: where the verifier is stricter than the libraries, it has no holes (RFC 8259, 7517, 7518,
// 7519, 8693, 9864). Each block below would fail against the code it replaced.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { runInspect } from '../../src/cli/inspectCommand.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { SCOPE_RULES, readAudiences, readScopes } from '../../src/core/claims.ts';
import type { ScopeRuleName } from '../../src/core/claims.ts';
import { decodeToken } from '../../src/core/decode.ts';
import type { CheckId, CheckReason } from '../../src/core/findings.ts';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import { parseJsonObject } from '../../src/core/jsonText.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import { parseJwks, selectKeys } from '../../src/core/keys/jwks.ts';
import type { SimConfig } from '../../src/core/config/model.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { JsonValue, TokenReport, VerifyOptions } from '../../src/core/types.ts';
import { publicKeyMaterial, weakSecretReason } from '../../src/core/weakSecrets.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import {
  CLIENT_ID,
  ISSUER as POOL_ISSUER,
  NOW as SIM_NOW,
  POOL,
  startHarness,
} from '../fixtures/simulate/harness.ts';
import { NOW, b64url, rsaKey, signRaw, signToken } from '../support/tokens.ts';

const keys = createKeyStore({ httpGet: createHttpGet(), now: () => Date.now() });

function status(report: TokenReport, id: CheckId): string | undefined {
  return report.checks.find((c) => c.id === id)?.status;
}

function message(report: TokenReport, id: CheckId): string {
  return report.checks.find((c) => c.id === id)?.message ?? '';
}

function reasonOf(report: TokenReport, id: CheckId): CheckReason | undefined {
  return report.checks.find((c) => c.id === id)?.reason;
}

// ---------------------------------------------------------------- RFC 8259: duplicate member names

/** Tiny deterministic PRNG so one fast-check integer drives every whitespace and escape choice. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON text of `value` with random RFC 8259 whitespace between all tokens and randomly escaped key spellings. */
function writeJson(
  value: JsonValue,
  seed: number,
  duplicateAt?: number,
): { text: string; duplicated?: string } {
  const random = prng(seed);
  const ws = (): string => {
    let out = '';
    const n = Math.floor(random() * 3);
    for (let i = 0; i < n; i++) out += [' ', '\t', '\n', '\r'][Math.floor(random() * 4)] ?? ' ';
    return out;
  };
  const spell = (key: string): string => {
    let out = '"';
    for (let i = 0; i < key.length; i++) {
      const ch = key[i] ?? '';
      out +=
        random() < 0.3
          ? `\\u${key.charCodeAt(i).toString(16).padStart(4, '0')}`
          : JSON.stringify(ch).slice(1, -1);
    }
    return `${out}"`;
  };
  let objectIndex = 0;
  let duplicated: string | undefined;
  const write = (node: JsonValue): string => {
    if (node === null || typeof node !== 'object') return JSON.stringify(node);
    if (Array.isArray(node))
      return `[${ws()}${node.map((item) => write(item)).join(`${ws()},${ws()}`)}${ws()}]`;
    const members = Object.keys(node).map(
      (key) => `${ws()}${spell(key)}${ws()}:${ws()}${write(node[key] as JsonValue)}${ws()}`,
    );
    if (objectIndex++ === duplicateAt) {
      const key = Object.keys(node)[0] ?? 'k';
      if (members.length === 0) members.push(`${spell(key)}:1`);
      members.push(`${ws()}${spell(key)}${ws()}:${ws()}"again"${ws()}`);
      duplicated = key;
    }
    return `{${members.join(',')}}`;
  };
  const text = `${ws()}${write(value)}${ws()}`;
  return duplicated === undefined ? { text } : { text, duplicated };
}

function countObjects(value: JsonValue): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return (Array.isArray(value) ? 0 : 1) + children.reduce<number>((n, child) => n + countObjects(child), 0);
}

const jsonObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 6,
}) as fc.Arbitrary<Record<string, JsonValue>>;

describe('RFC 8259: duplicate member names are found in every valid JSON text', () => {
  test('a space (or tab, LF, CR) before the colon no longer hides a repeat, in header and payload', () => {
    for (const gap of [' ', '\t', '\n', '\r', ' \r\n\t ']) {
      const header = `{"alg":"none","alg"${gap}:"RS256"}`;
      const payload = `{"sub":"user","sub"${gap}:"admin"}`;
      const parsed = parseJsonObject(payload);
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.parsed.duplicateKeys, ['sub'], JSON.stringify(gap));
      const headerDup = decodeToken(`${b64url(header)}.${b64url('{"sub":"x"}')}.c2ln`);
      assert.equal(headerDup.format.status, 'fail');
      assert.match(headerDup.format.message, /header repeats "alg"/);
      const payloadDup = decodeToken(`${b64url('{"alg":"RS256"}')}.${b64url(payload)}.c2ln`);
      assert.equal(payloadDup.format.status, 'fail');
      assert.match(payloadDup.format.message, /repeats the claim "sub"/);
    }
  });

  test('escaped spellings are the same name: "\\u0061lg" repeats "alg"', () => {
    const parsed = parseJsonObject('{"alg":"RS256","\\u0061lg":"none"}');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.parsed.duplicateKeys, ['alg']);
  });

  test('property: a repeated key anywhere, with random whitespace and escapes, is always found', () => {
    fc.assert(
      fc.property(jsonObject, fc.integer(), fc.nat(), (value, seed, pick) => {
        const target = pick % countObjects(value);
        const { text, duplicated } = writeJson(value, seed, target);
        assert.ok(duplicated !== undefined);
        const parsed = parseJsonObject(text);
        assert.ok(parsed.ok, text);
        assert.ok(parsed.parsed.duplicateKeys.includes(duplicated), `${text} -> ${duplicated}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: no false positives, even with the same keys at different levels', () => {
    fc.assert(
      fc.property(jsonObject, fc.integer(), (value, seed) => {
        // The same members again one and two levels down, and in an array of objects.
        const nested: Record<string, JsonValue> = { ...value };
        nested['\u0000nested'] = { ...value, '\u0000deeper': { ...value } };
        nested['\u0000list'] = [{ ...value }, { ...value }];
        const { text } = writeJson(nested, seed);
        const parsed = parseJsonObject(text);
        assert.ok(parsed.ok, text);
        assert.deepEqual(parsed.parsed.duplicateKeys, [], text);
      }),
      { numRuns: 2000 },
    );
  });

  test('strings that look like keys (\\": inside values, escaped quotes) are not members', () => {
    for (const text of [
      '{"a":"\\"a\\":1","b":"x\\\\"}',
      '{"a":"\\\\\\"a\\" : 1"}',
      '{"k":["a",":","b"],"m":{"k":"k"}}',
    ]) {
      const parsed = parseJsonObject(text);
      assert.ok(parsed.ok, text);
      assert.deepEqual(parsed.parsed.duplicateKeys, [], text);
    }
  });

  test('linear: 20,000 members with spaces before colons and 60,000 backslashes scan in well under a second', () => {
    const members = Array.from({ length: 20_000 }, (_, i) => `"k${i}" : ${i}`);
    const slashes = `"s" : "${'\\\\'.repeat(30_000)}"`;
    const text = `{${[...members, slashes, '"k7" : 0'].join(' , ')}}`;
    const started = process.hrtime.bigint();
    const parsed = parseJsonObject(text);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.parsed.duplicateKeys, ['k7']);
    assert.ok(seconds < 1, `${seconds} s`);
  });
});

// ---------------------------------------------------------------- RFC 7517: JWK selection

describe('RFC 7517: a key is selected only when use, key_ops, alg and kty/crv all allow the header alg', () => {
  const rsa = rsaKey();
  const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
  const ec521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey;
  const ed = generateKeyPairSync('ed25519').publicKey;
  const jwk = (key: KeyObject, extra: Record<string, unknown>): Record<string, unknown> => ({
    ...key.export({ format: 'jwk' }),
    ...extra,
  });

  test('each rejection reason reaches the key check message', async () => {
    const cases: { member: Record<string, unknown>; alg: string; reason: RegExp }[] = [
      { member: jwk(rsa.publicKey, { kid: 'k', use: 'enc' }), alg: 'RS256', reason: /use:"enc"/ },
      {
        member: jwk(rsa.publicKey, { kid: 'k', key_ops: ['encrypt', 'wrapKey'] }),
        alg: 'RS256',
        reason: /key_ops: \["encrypt", "wrapKey"\] has no "verify"/,
      },
      { member: jwk(rsa.publicKey, { kid: 'k', alg: 'PS256' }), alg: 'RS256', reason: /is for PS256/ },
      { member: jwk(rsa.publicKey, { kid: 'k' }), alg: 'ES256', reason: /RSA key .* cannot verify ES256/ },
      { member: jwk(ec384, { kid: 'k' }), alg: 'ES256', reason: /\(P-384\), which cannot verify ES256/ },
      { member: jwk(ec256, { kid: 'k' }), alg: 'ES384', reason: /\(P-256\), which cannot verify ES384/ },
      { member: jwk(ec256, { kid: 'k' }), alg: 'ES512', reason: /\(P-256\), which cannot verify ES512/ },
      { member: jwk(ec521, { kid: 'k' }), alg: 'PS256', reason: /EC key .* cannot verify PS256/ },
      { member: jwk(ec256, { kid: 'k' }), alg: 'EdDSA', reason: /cannot verify EdDSA/ },
      { member: jwk(ed, { kid: 'k' }), alg: 'RS256', reason: /OKP key .* cannot verify RS256/ },
    ];
    for (const c of cases) {
      const token = signRaw(JSON.stringify({ alg: c.alg, kid: 'k' }), '{"sub":"x"}', undefined, 'none');
      const report = await inspectToken(
        token,
        { now: NOW, keySource: { type: 'jwks', jwks: { keys: [c.member] }, label: 'keys.json' } },
        { keys },
      );
      assert.equal(status(report, 'key'), 'fail', c.alg);
      assert.match(message(report, 'key'), c.reason, `${c.alg}: ${message(report, 'key')}`);
      // The kid names a key, which these rules exclude: a mismatch, not a missing key.
      assert.equal(reasonOf(report, 'key'), 'mismatch', c.alg);
    }
  });

  test('key_ops with "verify" (alone or beside sign) is usable; a non-list key_ops is not a key', () => {
    const set = parseJwks(
      {
        keys: [
          jwk(rsa.publicKey, { kid: 'ok', key_ops: ['verify'] }),
          jwk(rsa.publicKey, { kid: 'both', key_ops: ['sign', 'verify'], use: 'sig' }),
          jwk(rsa.publicKey, { kid: 'bad', key_ops: 'verify' }),
        ],
      },
      'keys.json',
    );
    assert.ok(set.ok);
    assert.deepEqual(
      set.value.keys.map((k) => k.kid),
      ['ok', 'both'],
    );
    assert.match(set.value.warnings.map((w) => w.message).join('\n'), /"bad".*key_ops/);
    assert.equal(selectKeys(set.value, { kid: 'ok', alg: 'RS256' }).keys.length, 1);
    assert.equal(selectKeys(set.value, { kid: 'both', alg: 'RS256' }).keys.length, 1);
  });

  test('the curve that fits: ES256 P-256, ES384 P-384, ES512 P-521', () => {
    const set = parseJwks({ keys: [jwk(ec256, {}), jwk(ec384, {}), jwk(ec521, {})] }, 'keys.json');
    assert.ok(set.ok);
    for (const [alg, curve] of [
      ['ES256', 'P-256'],
      ['ES384', 'P-384'],
      ['ES512', 'P-521'],
    ] as const) {
      const picked = selectKeys(set.value, { alg });
      assert.deepEqual(
        picked.keys.map((k) => k.detail),
        [curve],
        alg,
      );
    }
  });
});

// ---------------------------------------------------------------- RFC 9864: Ed25519

describe('RFC 9864: fully-specified Ed25519 verifies like EdDSA with an Ed25519 key', () => {
  const pair = generateKeyPairSync('ed25519');
  const ed448 = generateKeyPairSync('ed448');
  const edToken = (alg: string, key: KeyObject): string => {
    const input = `${b64url(JSON.stringify({ alg, kid: 'ed' }))}.${b64url(JSON.stringify({ sub: 'x', exp: NOW + 60 }))}`;
    return `${input}.${b64url(sign(null, Buffer.from(input), key))}`;
  };
  const jwks = (key: KeyObject) => ({
    type: 'jwks' as const,
    jwks: { keys: [{ ...key.export({ format: 'jwk' }), kid: 'ed', use: 'sig' }] },
    label: 'ed.json',
  });

  test('Ed25519 and EdDSA tokens signed by the same Ed25519 key are both valid', async () => {
    for (const alg of ['Ed25519', 'EdDSA']) {
      const report = await inspectToken(
        edToken(alg, pair.privateKey),
        { now: NOW, keySource: jwks(pair.publicKey) },
        { keys },
      );
      assert.equal(status(report, 'alg'), 'pass', `${alg}: ${message(report, 'alg')}`);
      assert.equal(status(report, 'signature'), 'pass', `${alg}: ${message(report, 'signature')}`);
      assert.equal(report.valid, true, alg);
    }
  });

  test('a tampered Ed25519 token fails; an Ed448 key cannot verify Ed25519 (or EdDSA, as jose)', async () => {
    const token = edToken('Ed25519', pair.privateKey);
    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const bad = await inspectToken(tampered, { now: NOW, keySource: jwks(pair.publicKey) }, { keys });
    assert.equal(status(bad, 'signature'), 'fail');
    for (const alg of ['Ed25519', 'EdDSA']) {
      const report = await inspectToken(
        edToken(alg, ed448.privateKey),
        { now: NOW, keySource: jwks(ed448.publicKey) },
        { keys },
      );
      assert.equal(status(report, 'key'), 'fail', alg);
      assert.match(message(report, 'key'), /Ed448\), which cannot verify/);
    }
  });
});

// ---------------------------------------------------------------- RFC 7518 §3.2 and RFC 8725 §2.1: HMAC secrets

const CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIBgjCCASmgAwIBAgIUS+NpdprNR/00vLAm/CGHnOaLsGcwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMYXV0aGRiZy10ZXN0MB4XDTI2MTIwMTIzNDgwMVoXDTI2MTIw
MjIzNDgwMVowFzEVMBMGA1UEAwwMYXV0aGRiZy10ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAENtUxDjDcPQAglPqsbTYFlHExE02FLNFKIoLUu0qQXL/Tph1p
JFr1VND4sRQ3JBVFE6HEzC8XcjiTp40t/GCIt6NTMFEwHQYDVR0OBBYEFH95IkMP
HhcLsGUp5d31knpV7Bp8MB8GA1UdIwQYMBaAFH95IkMPHhcLsGUp5d31knpV7Bp8
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgQd6GPFqeYhiUqf4U
jvDVeRiUV8k0DOmySFeCqs1/apUCIBNTupgS/yEysik2njC7Gt7Ut9mdX+OZPCV7
bbIvhcyv
-----END CERTIFICATE-----
`;

describe('HMAC secrets: weak per algorithm, and public keys as secrets are the confusion attack', () => {
  const rsa = rsaKey();
  const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const der = rsa.publicKey.export({ format: 'der', type: 'spki' });
  const certDer = Buffer.from(CERTIFICATE_PEM.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''), 'base64');
  const materials: [string, Buffer, RegExp][] = [
    ['PEM public key', Buffer.from(pem), /PEM "PUBLIC KEY" block/],
    ['PEM certificate', Buffer.from(CERTIFICATE_PEM), /PEM "CERTIFICATE" block/],
    ['JWK', Buffer.from(JSON.stringify(rsa.jwk)), /JWK/],
    ['JWK set', Buffer.from(JSON.stringify({ keys: [rsa.jwk] })), /JWK/],
    ['ssh-rsa key', Buffer.from(`ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== user@host\n`), /OpenSSH/],
    ['DER public key', der, /DER-encoded public key/],
    ['DER certificate', certDer, /DER-encoded certificate/],
  ];

  test('each kind of public-key material is named', () => {
    for (const [name, bytes, pattern] of materials)
      assert.match(publicKeyMaterial(bytes) ?? '', pattern, name);
    for (const secret of ['x'.repeat(64), '{"not":"a key"}', '0\x82 looks like DER but is not']) {
      assert.equal(publicKeyMaterial(Buffer.from(secret)), undefined, secret);
    }
  });

  test('public-key material as the secret fails the key check, unless explicitly allowed', async () => {
    for (const [name, secret] of materials) {
      const token = signToken({ alg: 'HS256' }, { sub: 'x', exp: NOW + 60 }, secret);
      const keySource = { type: 'secret' as const, secret, label: 'secret.txt' };
      const refused = await inspectToken(token, { now: NOW, keySource }, { keys });
      assert.equal(status(refused, 'key'), 'fail', name);
      assert.match(message(refused, 'key'), /algorithm-confusion/, name);
      assert.equal(reasonOf(refused, 'key'), 'unsupported', name);
      assert.equal(reasonOf(refused, 'signature'), 'depends', name);
      assert.equal(refused.valid, false, name);
      const allowed = await inspectToken(
        token,
        { now: NOW, keySource, allowPublicKeySecret: true },
        { keys },
      );
      assert.equal(allowed.valid, true, `${name}: ${message(allowed, 'key')}`);
      assert.ok(
        allowed.warnings.some((w) => w.id === 'hmac-public-key-secret'),
        name,
      );
    }
  });

  test('a secret shorter than the hash output is weak for that algorithm (32/48/64 bytes)', async () => {
    for (const [alg, minimum] of [
      ['HS256', 32],
      ['HS384', 48],
      ['HS512', 64],
    ] as const) {
      const short = Buffer.from('k'.repeat(minimum - 1));
      const enough = Buffer.from('k'.repeat(minimum));
      assert.match(weakSecretReason(short, alg) ?? '', new RegExp(`${alg} needs at least ${minimum}`));
      assert.equal(weakSecretReason(enough, alg), undefined, alg);
      const token = signToken({ alg }, { sub: 'x', exp: NOW + 60 }, short);
      const report = await inspectToken(
        token,
        { now: NOW, keySource: { type: 'secret', secret: short, label: 's' } },
        { keys },
      );
      assert.equal(status(report, 'signature'), 'pass', alg);
      assert.ok(
        report.warnings.some((w) => w.id === 'weak-secret' && w.message.includes(alg)),
        alg,
      );
    }
  });

  test('authdbg inspect refuses a PEM secret file, accepts it with --allow-public-key-secret, and documents the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authdbg-secret-'));
    try {
      const file = join(dir, 'key.pem');
      writeFileSync(file, pem);
      const token = signToken({ alg: 'HS256' }, { sub: 'x', exp: NOW + 60 }, Buffer.from(pem.trimEnd()));
      const run = async (extra: string[]): Promise<{ status: number; out: string }> => {
        let out = '';
        const io: CliIo = {
          stdout: (text) => (out += text),
          stderr: (text) => (out += text),
          readStdin: () => Promise.resolve(''),
          readFileBytes: (path) => Promise.resolve(readFileSync(path)),
          nowMs: () => NOW * 1000,
          keys,
        };
        const code = await runInspect([token, '--secret-file', file, '--json', ...extra], io);
        return { status: code, out };
      };
      const refused = await run([]);
      assert.equal(refused.status, 1);
      assert.match(refused.out, /algorithm-confusion/);
      const allowed = await run(['--allow-public-key-secret']);
      assert.equal(allowed.status, 0, allowed.out);
      const help = await run(['--help']);
      assert.match(help.out, /--allow-public-key-secret/);
      assert.match(help.out, /--scope-rule cognito\|jwt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------- RFC 7519 §4.1: registered claim types

describe('RFC 7519: registered claims have their types', () => {
  const rsa = rsaKey();
  const keySource = { type: 'jwks' as const, jwks: { keys: [rsa.jwk] }, label: 'keys.json' };
  const check = async (claims: Record<string, unknown>): Promise<TokenReport> =>
    inspectToken(
      signToken({ alg: 'RS256', kid: rsa.kid }, { exp: NOW + 60, ...claims }, rsa.privateKey),
      { now: NOW, keySource },
      { keys },
    );

  test('sub and jti must be strings; iss a string; aud a string or string[]; NumericDates finite', async () => {
    const cases: [Record<string, unknown>, CheckId, RegExp][] = [
      [{ sub: 123 }, 'claim_types', /sub must be a string \(it is a number\)/],
      [{ sub: ['a'] }, 'claim_types', /sub must be a string \(it is a list\)/],
      [{ jti: { id: 1 } }, 'claim_types', /jti must be a string \(it is an object\)/],
      [{ jti: null }, 'claim_types', /jti must be a string \(it is null\)/],
      [{ iss: ['https://a'] }, 'iss', /iss must be a string/],
      [{ aud: 7 }, 'aud', /aud must be a string or an array of strings/],
      [{ aud: ['a', 7] }, 'aud', /aud must be a string or an array of strings/],
      [{ iat: '1700000000' }, 'iat', /must be a number/],
      [{ nbf: true }, 'nbf', /must be a number/],
    ];
    for (const [claims, id, pattern] of cases) {
      const report = await check(claims);
      assert.equal(status(report, id), 'fail', JSON.stringify(claims));
      assert.match(message(report, id), pattern, JSON.stringify(claims));
      assert.equal(reasonOf(report, id), 'malformed', JSON.stringify(claims));
      assert.equal(report.valid, false);
    }
    const exp = await inspectToken(
      signRaw(JSON.stringify({ alg: 'RS256', kid: rsa.kid }), '{"exp":1e400}', rsa.privateKey, 'RS256'),
      { now: NOW, keySource },
      { keys },
    );
    assert.match(message(exp, 'exp'), /finite/);
    const fine = await check({ sub: 'u', jti: 'j', aud: ['a'], iss: 'https://i' });
    assert.equal(status(fine, 'claim_types'), 'pass');
    assert.equal(fine.valid, true);
  });
});

// ---------------------------------------------------------------- RFC 8693 scope: one reading for inspect and simulate

describe('scopes: one reading per authorizer, shared by inspect and the simulator', () => {
  test('the rules, shape by shape', () => {
    const cognito = SCOPE_RULES['cognito-authorizer'];
    const jwt = SCOPE_RULES['jwt-authorizer'];
    assert.deepEqual(readScopes({ scope: 'a  b c' }, cognito).scopes, ['a', 'b', 'c']);
    assert.deepEqual(
      readScopes({ scope: 'a\tb' }, cognito).scopes,
      ['a\tb'],
      'RFC 6749: space-delimited only',
    );
    assert.equal(readScopes({ scope: ['a'] }, cognito).scopes, undefined);
    assert.match(readScopes({ scope: ['a'] }, cognito).ignored.join(), /is a list/);
    assert.equal(readScopes({ scp: ['a'] }, cognito).scopes, undefined);
    assert.match(readScopes({ scp: 'a' }, cognito).ignored.join(), /"scp" is not read/);
    assert.deepEqual(readScopes({ scope: 'a', scp: ['b', 'a'] }, jwt).scopes, ['a', 'b']);
    assert.deepEqual(readScopes({ scp: 'b c' }, jwt).scopes, ['b', 'c']);
    assert.equal(readScopes({ scope: 42, scp: ['x', 1] }, jwt).scopes, undefined);
    assert.equal(readScopes({ scope: 42 }, jwt).ignored.length, 1);
    assert.deepEqual(readAudiences({ aud: 'a' }), { present: true, audiences: ['a'] });
    assert.deepEqual(readAudiences({}), { present: false });
  });

  let h: Harness;
  let rest: SimConfig;
  let httpApi: SimConfig;
  before(async () => {
    h = await startHarness();
    rest = h.config(`version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json" }
routes:
  - { route: POST /orders, authorizer: pool, scopes: [orders/write] }
`);
    httpApi = h.config(`version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: h1, stage: "$default", kind: http }
authorizers:
  jwt: { type: jwt, issuer: "${POOL_ISSUER}", audience: [${CLIENT_ID}], jwks: "{{BASE}}/jwks.json" }
routes:
  - { route: POST /orders, authorizer: jwt, scopes: [orders/write] }
`);
  });
  after(() => h.close());

  // Expected outcome per authorizer: [REST Cognito, HTTP JWT]; everything but the scope claims is valid.
  const cases: { name: string; claims: Record<string, unknown>; grants: [boolean, boolean] }[] = [
    { name: 'scope string', claims: { scope: 'openid orders/write' }, grants: [true, true] },
    { name: 'scope with double spaces', claims: { scope: ' openid  orders/write ' }, grants: [true, true] },
    { name: 'scope string without it', claims: { scope: 'openid orders/read' }, grants: [false, false] },
    { name: 'scope as a list', claims: { scope: ['orders/write'] }, grants: [false, true] },
    {
      name: 'scp list beside scope',
      claims: { scope: 'openid', scp: ['orders/write'] },
      grants: [false, true],
    },
    { name: 'scp string only', claims: { scope: undefined, scp: 'orders/write' }, grants: [false, true] },
    { name: 'tab-separated scope', claims: { scope: 'openid\torders/write' }, grants: [false, false] },
    { name: 'scope a number', claims: { scope: 42 }, grants: [false, false] },
    {
      name: 'list with a non-string',
      claims: { scope: undefined, scp: ['orders/write', 7] },
      grants: [false, false],
    },
    { name: 'no scope claim', claims: { scope: undefined }, grants: [false, false] },
  ];

  test('inspect --scope and simulate agree on every token, for both authorizers', async () => {
    const authorizers: { rule: ScopeRuleName; config: () => SimConfig; index: 0 | 1 }[] = [
      { rule: 'cognito-authorizer', config: () => rest, index: 0 },
      { rule: 'jwt-authorizer', config: () => httpApi, index: 1 },
    ];
    for (const c of cases) {
      const token = await h.accessToken(c.claims);
      for (const a of authorizers) {
        const sim = await simulate(
          { config: a.config(), route: 'POST /orders', token },
          { now: SIM_NOW },
          {
            keys: h.keys,
          },
        );
        const trace = sim.trace.map((t) => `${t.status} ${t.step}: ${t.message}`).join('\n');
        const simGrants = sim.decision === 'allow';
        if (!simGrants) assert.equal(sim.decidedBy, 'scope', `${c.name} / ${a.rule}: ${trace}`);
        const options: VerifyOptions = {
          now: SIM_NOW,
          issuer: POOL_ISSUER,
          keySource: { type: 'jwks-url', url: `${h.base}/jwks.json` },
          algorithms: ['RS256'],
          requiredScopes: ['orders/write'],
          scopeRule: a.rule,
        };
        if (a.rule === 'jwt-authorizer') options.audience = [CLIENT_ID];
        else options.tokenUse = 'access';
        const report = await inspectToken(token, options, { keys: h.keys });
        const failed = report.checks.filter((x) => x.status === 'fail').map((x) => x.id);
        assert.deepEqual(
          failed.filter((id) => id !== 'scope'),
          [],
          `${c.name}: only the scope may differ`,
        );
        const inspectGrants = status(report, 'scope') === 'pass';
        assert.equal(
          inspectGrants,
          simGrants,
          `${c.name} / ${a.rule}: inspect ${message(report, 'scope')}\n${trace}`,
        );
        assert.equal(
          simGrants,
          c.grants[a.index],
          `${c.name} / ${a.rule}: expected ${c.grants[a.index]}\n${trace}`,
        );
        if (!inspectGrants)
          assert.match(message(report, 'scope'), /reads/, 'the message says what this reader takes');
      }
    }
  });

  test('inspect without a rule reads a Cognito token as the Cognito authorizer, a generic JWT as the JWT authorizer', async () => {
    const rsa = rsaKey();
    const keySource = { type: 'jwks' as const, jwks: { keys: [rsa.jwk] }, label: 'keys.json' };
    const claims = { sub: 'x', exp: NOW + 60, scope: 'openid', scp: ['c'] };
    const generic = signToken({ alg: 'RS256', kid: rsa.kid }, claims, rsa.privateKey);
    const cognito = signToken(
      { alg: 'RS256', kid: rsa.kid },
      { ...claims, token_use: 'access' },
      rsa.privateKey,
    );
    const options = { now: NOW, keySource, requiredScopes: ['c'] };
    assert.equal(status(await inspectToken(generic, options, { keys }), 'scope'), 'pass');
    const refused = await inspectToken(cognito, options, { keys });
    assert.equal(status(refused, 'scope'), 'fail');
    assert.match(
      message(refused, 'scope'),
      /"scp" is not read.*reads only the space-separated "scope" string/,
    );
    const asJwt = await inspectToken(cognito, { ...options, scopeRule: 'jwt-authorizer' }, { keys });
    assert.equal(status(asJwt, 'scope'), 'pass');
  });
});
