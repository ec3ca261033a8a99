// Key material parsing and selection (security.md hostile inputs 44-48), ALB endpoint rules, key URL rules.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { albKeyBaseUrl, cognitoJwksUrl, regionFromAlbArn } from '../../src/core/awsIdentifiers.ts';
import { albKeyUrl, isUuidKid } from '../../src/core/keys/alb.ts';
import {
  KEY_WARNING,
  jwksContentTypeProblem,
  parseJwks,
  parsePem,
  selectKeys,
} from '../../src/core/keys/jwks.ts';
import { checkKeyUrl, isLoopbackUrl } from '../../src/core/keys/keyUrls.ts';
import type { KeyResult, KeySet } from '../../src/core/keys/types.ts';

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ecP256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecP384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });

const jwk = (pair: { publicKey: { export(o: { format: 'jwk' }): JsonWebKey } }, extra: object = {}) => ({
  ...pair.publicKey.export({ format: 'jwk' }),
  ...extra,
});

function value<T>(result: KeyResult<T>): T {
  if (!result.ok) assert.fail(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function errorOf<T>(result: KeyResult<T>): { code: string; message: string } {
  if (result.ok) assert.fail('expected an error');
  return result.error;
}

const SRC = 'https://example.test/jwks.json';

void describe('parseJwks', () => {
  void it('imports RSA 2048 and EC P-256 keys with their metadata', () => {
    const set = value(
      parseJwks(
        {
          keys: [
            jwk(rsa2048, { kid: 'r1', alg: 'RS256', use: 'sig' }),
            jwk(ecP256, { kid: 'e1', alg: 'ES256' }),
          ],
        },
        SRC,
        { fetchedAt: 1234 },
      ),
    );
    assert.equal(set.keys.length, 2);
    assert.deepEqual(set.warnings, []);
    assert.equal(set.fetchedAt, 1234);
    assert.equal(set.stale, false);
    const [r, e] = set.keys;
    assert.deepEqual(
      [r?.kid, r?.kty, r?.alg, r?.use, r?.detail],
      ['r1', 'RSA', 'RS256', 'sig', 'RSA 2048-bit'],
    );
    assert.deepEqual([e?.kid, e?.kty, e?.detail], ['e1', 'EC', 'P-256']);
    assert.equal(r?.keyObject.type, 'public');
  });

  void it('parses bytes and text bodies the same way', () => {
    const body = JSON.stringify({ keys: [jwk(rsa2048, { kid: 'r1' })] });
    assert.equal(value(parseJwks(new TextEncoder().encode(body), SRC)).keys.length, 1);
    assert.equal(value(parseJwks(body, SRC)).keys.length, 1);
  });

  void it('rejects RSA below 2048 bits with a warning naming the kid', () => {
    const set = value(parseJwks({ keys: [jwk(rsa1024, { kid: 'weak' }), jwk(rsa2048, { kid: 'ok' })] }, SRC));
    assert.deepEqual(
      set.keys.map((k) => k.kid),
      ['ok'],
    );
    assert.equal(set.warnings[0]?.id, KEY_WARNING.weakRsa);
    assert.match(set.warnings[0]?.message ?? '', /kid "weak".*only 1024 bits \(minimum 2048\)/);
  });

  void it('rejects an EC point that is not on the curve (node refuses to import it)', () => {
    const good = jwk(ecP256, { kid: 'bent' });
    const y = Buffer.from(String(good.y), 'base64url');
    y[31] = (y[31] ?? 0) ^ 1;
    const set = value(parseJwks({ keys: [{ ...good, y: y.toString('base64url') }] }, SRC));
    assert.equal(set.keys.length, 0);
    assert.equal(set.warnings[0]?.id, KEY_WARNING.invalid);
    assert.match(set.warnings[0]?.message ?? '', /kid "bent".*could not be imported.*not on the curve/);
  });

  void it('rejects keys with private parts: "private key published!"', () => {
    const rsaPrivate = { ...rsa2048.privateKey.export({ format: 'jwk' }), kid: 'leak-rsa' };
    const ecPrivate = { ...ecP256.privateKey.export({ format: 'jwk' }), kid: 'leak-ec' };
    const set = value(parseJwks({ keys: [rsaPrivate, ecPrivate] }, SRC));
    assert.equal(set.keys.length, 0);
    assert.deepEqual(
      set.warnings.map((w) => w.id),
      [KEY_WARNING.privateKey, KEY_WARNING.privateKey],
    );
    assert.match(set.warnings[0]?.message ?? '', /leak-rsa.*\(d, p, q, dp, dq, qi\).*private key published!/);
    assert.match(set.warnings[1]?.message ?? '', /leak-ec.*\(d\)/);
  });

  void it('skips oct keys with a warning', () => {
    const set = value(parseJwks({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }, jwk(rsa2048)] }, SRC));
    assert.equal(set.keys.length, 1);
    assert.equal(set.warnings[0]?.id, KEY_WARNING.symmetric);
    assert.match(set.warnings[0]?.message ?? '', /symmetric \(oct\)/);
  });

  void it('calls null, {}, {keys:null}, {keys:[null]} and other shapes a malformed key set', () => {
    for (const input of [
      null,
      {},
      { keys: null },
      { keys: [null] },
      { keys: [[]] },
      { keys: {} },
      [],
      42,
      true,
    ]) {
      assert.equal(errorOf(parseJwks(input, SRC)).code, 'malformed-key-set', JSON.stringify(input));
    }
    for (const body of ['null', '{}', '{"keys":null}', '{"keys":[null]}', '[]', '"keys"']) {
      assert.equal(errorOf(parseJwks(body, SRC)).code, 'malformed-key-set', body);
    }
    assert.equal(
      errorOf(parseJwks({ keys: Array.from({ length: 101 }, () => ({})) }, SRC)).code,
      'malformed-key-set',
    );
  });

  void it('skips members without kty, with unknown kty or with non-string fields', () => {
    const set = value(
      parseJwks(
        {
          keys: [
            {},
            { kty: 'XYZ' },
            jwk(rsa2048, { kid: 7 }),
            jwk(rsa2048, { alg: ['RS256'] }),
            { kty: 'RSA', n: 'not base64url!', e: 'AQAB' },
            { kty: 'EC', crv: 'P-256', x: 'AA' },
          ],
        },
        SRC,
      ),
    );
    assert.equal(set.keys.length, 0);
    assert.equal(set.warnings.length, 6);
  });

  void it('rejects bad JSON, invalid UTF-8, deep nesting and HTML with distinct messages', () => {
    assert.match(errorOf(parseJwks('{"keys": [', SRC)).message, /not valid JSON/);
    assert.match(
      errorOf(parseJwks(new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]), SRC)).message,
      /not valid UTF-8/,
    );
    const deep = errorOf(parseJwks(`{"keys":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, SRC));
    assert.equal(deep.code, 'not-json');
    assert.match(deep.message, /nested deeper than 32/);
    const html = errorOf(parseJwks('  <!doctype html><title>Login</title>', SRC));
    assert.equal(html.code, 'content-type');
    assert.match(html.message, /captive portal or proxy page\?/);
  });

  void it('drops __proto__ and constructor members without polluting prototypes', () => {
    const body = `{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"keys":[${JSON.stringify(
      jwk(rsa2048, { kid: 'r1' }),
    ).replace(/^\{/, '{"__proto__":{"kty":"oct"},')}]}`;
    const set = value(parseJwks(body, SRC));
    assert.equal(set.keys[0]?.kty, 'RSA');
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });

  void it('warns about duplicate kids', () => {
    const set = value(parseJwks({ keys: [jwk(rsa2048, { kid: 'dup' }), jwk(rsa2048, { kid: 'dup' })] }, SRC));
    assert.equal(set.keys.length, 2);
    assert.equal(set.warnings[0]?.id, KEY_WARNING.duplicateKid);
    assert.match(set.warnings[0]?.message ?? '', /kid "dup" appears 2 times/);
  });
});

void describe('jwksContentTypeProblem', () => {
  const body = '{"keys":[]}';
  void it('accepts JSON types (with parameters) and a missing type', () => {
    for (const type of [
      'application/json',
      'Application/JSON; charset=utf-8',
      'application/jwk-set+json',
      undefined,
    ]) {
      assert.equal(jwksContentTypeProblem(type, body, SRC), undefined, String(type));
    }
  });
  void it('reports HTML as a captive portal and other types as wrong', () => {
    assert.match(
      jwksContentTypeProblem('text/html; charset=utf-8', '', SRC)?.message ?? '',
      /captive portal/,
    );
    assert.match(
      jwksContentTypeProblem('application/json', '<html><body>', SRC)?.message ?? '',
      /captive portal/,
    );
    assert.equal(jwksContentTypeProblem('text/plain', body, SRC)?.code, 'content-type');
  });
});

void describe('selectKeys', () => {
  const set: KeySet = value(
    parseJwks(
      {
        keys: [
          jwk(rsa2048, { kid: 'rsa', alg: 'RS256', use: 'sig' }),
          jwk(rsa2048, { kid: 'enc', use: 'enc' }),
          jwk(rsa2048, { kid: 'rs512', alg: 'RS512' }),
          jwk(ecP256, { kid: 'ec' }),
          jwk(ecP384, { kid: 'ec384' }),
          jwk(rsa2048, { kid: 'dup' }),
          jwk(rsa2048, { kid: 'dup' }),
          jwk(rsa2048, { kid: 'mixed' }),
          jwk(ecP256, { kid: 'mixed' }),
        ],
      },
      SRC,
    ),
  );

  void it('picks the one key with the kid that fits the alg', () => {
    const picked = selectKeys(set, { kid: 'rsa', alg: 'RS256' });
    assert.equal(picked.problem, undefined);
    assert.deepEqual(
      picked.keys.map((k) => k.kid),
      ['rsa'],
    );
  });

  void it('says which kids exist when the kid is unknown (kid is opaque, never a path)', () => {
    const picked = selectKeys(set, { kid: '../../../../dev/null', alg: 'RS256' });
    assert.equal(picked.keys.length, 0);
    assert.equal(picked.problem?.code, 'no-key');
    assert.match(
      picked.problem?.message ?? '',
      /no key with kid "\.\.\/\.\.\/\.\.\/\.\.\/dev\/null".*"rsa", "enc"/,
    );
  });

  void it('excludes use:"enc" keys', () => {
    const picked = selectKeys(set, { kid: 'enc', alg: 'RS256' });
    assert.equal(picked.problem?.code, 'no-key');
    assert.match(picked.problem?.message ?? '', /for encryption \(use:"enc"\)/);
  });

  void it('excludes keys whose JWK alg differs from the token alg', () => {
    const picked = selectKeys(set, { kid: 'rs512', alg: 'RS256' });
    assert.match(picked.problem?.message ?? '', /"rs512" is for RS512 but the token says RS256/);
  });

  void it('finds no key for an ES256 header carrying an RSA kid, or the wrong curve', () => {
    assert.match(selectKeys(set, { kid: 'rsa', alg: 'ES256' }).problem?.message ?? '', /is for RS256/);
    assert.match(
      selectKeys(set, { kid: 'dup', alg: 'ES256' }).problem?.message ?? '',
      /an RSA key \(RSA 2048-bit\), which cannot verify ES256/,
    );
    assert.match(
      selectKeys(set, { kid: 'ec384', alg: 'ES256' }).problem?.message ?? '',
      /\(P-384\), which cannot/,
    );
    assert.match(selectKeys(set, { kid: 'rsa', alg: 'HS256' }).problem?.message ?? '', /is for RS256/);
    assert.match(
      selectKeys(set, { kid: 'dup', alg: 'none' }).problem?.message ?? '',
      /"none" is not supported/,
    );
  });

  void it('refuses to guess between duplicate kids, but lets the alg disambiguate', () => {
    const dup = selectKeys(set, { kid: 'dup', alg: 'RS256' });
    assert.equal(dup.keys.length, 0);
    assert.equal(dup.problem?.code, 'ambiguous-key');
    assert.equal(dup.candidates?.length, 2);
    const mixed = selectKeys(set, { kid: 'mixed', alg: 'ES256' });
    assert.equal(mixed.problem, undefined);
    assert.equal(mixed.keys[0]?.kty, 'EC');
  });

  void it('uses the only key when the token has no kid; ambiguous when several fit', () => {
    const single = value(parsePem(ecP256.publicKey.export({ format: 'pem', type: 'spki' }), 'alb'));
    assert.equal(selectKeys(single, { alg: 'ES256' }).keys.length, 1);
    assert.equal(selectKeys(set, { alg: 'RS256' }).problem?.code, 'ambiguous-key');
    const empty: KeySet = { ...set, keys: [] };
    assert.match(selectKeys(empty, { kid: 'x', alg: 'RS256' }).problem?.message ?? '', /has no usable keys/);
  });
});

void describe('parsePem', () => {
  const ecPem = ecP256.publicKey.export({ format: 'pem', type: 'spki' }) as string;

  void it('reads an SPKI EC key and labels it with the kid', () => {
    const set = value(parsePem(ecPem, 'https://alb/kid', { kid: 'abc', fetchedAt: 5 }));
    assert.deepEqual(
      [set.keys[0]?.kid, set.keys[0]?.kty, set.keys[0]?.detail, set.fetchedAt],
      ['abc', 'EC', 'P-256', 5],
    );
    assert.equal(value(parsePem(new TextEncoder().encode(ecPem), 'bytes')).keys.length, 1);
  });

  void it('reads a PKCS#1 RSA public key', () => {
    const set = value(parsePem(rsa2048.publicKey.export({ format: 'pem', type: 'pkcs1' }), 'file'));
    assert.equal(set.keys[0]?.detail, 'RSA 2048-bit');
  });

  void it('refuses private keys, weak RSA, garbage, HTML and off-curve points', () => {
    const priv = errorOf(parsePem(ecP256.privateKey.export({ format: 'pem', type: 'pkcs8' }), 'file'));
    assert.equal(priv.code, 'invalid-pem');
    assert.match(priv.message, /PRIVATE key/);
    assert.match(
      errorOf(parsePem(rsa1024.publicKey.export({ format: 'pem', type: 'spki' }), 'f')).message,
      /1024 bits/,
    );
    assert.match(errorOf(parsePem('hello', 'f')).message, /no PEM block found/);
    assert.equal(
      errorOf(parsePem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', 'f')).code,
      'invalid-pem',
    );
    assert.match(errorOf(parsePem('<html><body>portal</body></html>', 'f')).message, /captive portal/);
    const der = ecP256.publicKey.export({ format: 'der', type: 'spki' });
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 1;
    const bent = `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    assert.equal(errorOf(parsePem(bent, 'f')).code, 'invalid-pem');
  });

  void it('warns when there is more than one block', () => {
    const set = value(parsePem(`${ecPem}\n${ecPem}`, 'f'));
    assert.equal(set.warnings[0]?.id, KEY_WARNING.pemMultiple);
  });
});

void describe('ALB key endpoint', () => {
  void it('derives the regional and GovCloud base URLs, and nothing for a hostile region', () => {
    assert.equal(albKeyBaseUrl('eu-west-1'), 'https://public-keys.auth.elb.eu-west-1.amazonaws.com');
    assert.equal(
      albKeyBaseUrl('us-gov-west-1'),
      'https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1',
    );
    assert.equal(
      albKeyBaseUrl('us-gov-east-1'),
      'https://s3-us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1',
    );
    for (const bad of ['', 'eu-west-1.evil.com/', 'evil.com#', 'EU-WEST-1', 'eu-west-12x']) {
      assert.equal(albKeyBaseUrl(bad), undefined, bad);
    }
  });

  void it('trims a base URL in linear time (100k slashes took 27 s with /\\/+$/)', () => {
    const started = performance.now();
    const url = albKeyUrl(
      `https://keys.example/${'/'.repeat(100_000)}x/`,
      'a1b2c3d4-e5f6-4789-abcd-0123456789ab',
    );
    assert.ok(performance.now() - started < 3000, 'bounded well below the quadratic time');
    assert.ok(value(url).endsWith('x/a1b2c3d4-e5f6-4789-abcd-0123456789ab'));
  });

  void it('takes the region from a well-formed ALB ARN only', () => {
    const arn =
      'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';
    assert.equal(regionFromAlbArn(arn), 'eu-west-1');
    assert.equal(
      regionFromAlbArn(arn.replace('aws:', 'aws-us-gov:').replace('eu-west-1', 'us-gov-west-1')),
      'us-gov-west-1',
    );
    assert.equal(
      regionFromAlbArn(arn.replace('eu-west-1', 'us-gov-west-1')),
      undefined,
      'partition mismatch',
    );
    assert.equal(regionFromAlbArn(arn.replace('app/', 'net/')), undefined);
    assert.equal(regionFromAlbArn(arn.replace('eu-west-1', 'evil.com/x')), undefined);
    assert.equal(regionFromAlbArn(42), undefined);
  });

  void it('requires a UUID kid before building a URL', () => {
    assert.equal(isUuidKid('a1b2c3d4-e5f6-4789-abcd-0123456789ab'), true);
    for (const bad of ['../../etc/passwd', 'a1b2c3d4-e5f6-4789-abcd-0123456789ab/../x', '', 7, undefined]) {
      assert.equal(isUuidKid(bad), false, String(bad));
      assert.equal(
        errorOf(albKeyUrl('https://public-keys.auth.elb.eu-west-1.amazonaws.com', bad)).code,
        'invalid-kid',
      );
    }
    assert.equal(
      value(albKeyUrl('https://s3.example/bucket/', 'a1b2c3d4-e5f6-4789-abcd-0123456789ab')),
      'https://s3.example/bucket/a1b2c3d4-e5f6-4789-abcd-0123456789ab',
    );
    assert.equal(
      errorOf(albKeyUrl('http://example.com', 'a1b2c3d4-e5f6-4789-abcd-0123456789ab')).code,
      'insecure-url',
    );
  });
});

void describe('key URL rules', () => {
  void it('recognises loopback URLs only', () => {
    for (const url of [
      'http://localhost:9229/x',
      'http://127.0.0.1/x',
      'http://127.4.5.6:8/x',
      'http://[::1]:8080/',
      'http://2130706433/',
    ]) {
      assert.equal(isLoopbackUrl(url), true, url);
    }
    for (const url of [
      'http://localhost.evil.com/',
      'http://127.0.0.1.nip.io/',
      'http://[::ffff:127.0.0.1]/',
      'http://10.0.0.1/',
      'file:///x',
      'nope',
    ]) {
      assert.equal(isLoopbackUrl(url), false, url);
    }
  });

  void it('refuses http except on loopback, and odd schemes', () => {
    assert.equal(value(checkKeyUrl('http://127.0.0.1:9229/jwks.json')).port, '9229');
    assert.equal(errorOf(checkKeyUrl('http://cognito-idp.eu-west-1.amazonaws.com/x')).code, 'insecure-url');
    assert.equal(errorOf(checkKeyUrl('ftp://example.com/x')).code, 'invalid-url');
    assert.equal(errorOf(checkKeyUrl('javascript:alert(1)')).code, 'invalid-url');
  });

  void it('derives a JWKS URL only from an exact Cognito issuer', () => {
    const iss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123';
    assert.equal(cognitoJwksUrl(iss), `${iss}/.well-known/jwks.json`);
    assert.equal(
      cognitoJwksUrl('https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_X1'),
      'https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_X1/.well-known/jwks.json',
    );
    // Every Cognito issuer format derives (awsIdentifiers.test.ts has the full table).
    for (const good of [
      'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      'https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123',
      'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123',
    ]) {
      assert.equal(cognitoJwksUrl(good), `${good}/.well-known/jwks.json`, good);
    }
    for (const bad of [
      'https://issuer-cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123',
      'https://cognito-idp.cn-north-1.amazonaws.com/cn-north-1_AbC123',
      `${iss}/`,
      iss.replace('https', 'http'),
      'https://cognito-idp.eu-west-1.amazonaws.com.evil.com/eu-west-1_AbC123',
      'https://cognіto-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      `${iss}?x=1`,
      ['x'],
      undefined,
    ]) {
      assert.equal(cognitoJwksUrl(bad), undefined, String(bad));
    }
  });
});
