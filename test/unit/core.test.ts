// Parsing, classification, decoding, time rendering and the checks one by one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeToken } from '../../src/core/decode.ts';
import { decodeReport, inspectToken } from '../../src/core/verify/inspect.ts';
import { parseInput } from '../../src/core/inputParse.ts';
import { findDuplicateKeys, parseJsonObject } from '../../src/core/jsonText.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import { redactText, redactToken } from '../../src/core/redact.ts';
import { relativeTime, isoTime } from '../../src/core/timeFormat.ts';
import { allowedAlgorithms } from '../../src/core/verify/verifyToken.ts';
import {
  CLIENT_ID,
  ISSUER,
  NOW,
  accessClaims,
  albBlob,
  b64url,
  ecKey,
  idClaims,
  rsaKey,
  signToken,
} from '../support/tokens.ts';

const keys = createKeyStore({ httpGet: createHttpGet(), now: () => Date.now() });

describe('parseInput', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

  test('bare token, Bearer, header line, JSON, HAR, curl', () => {
    const forms: [string, string | undefined][] = [
      [jwt, undefined],
      [`Bearer ${jwt}`, undefined],
      [`bearer   ${jwt}`, undefined],
      [`Authorization: Bearer ${jwt}`, 'authorization'],
      [`authorization:${jwt}`, 'authorization'],
      [`"Authorization": "Bearer ${jwt}"`, 'authorization'],
      [`{"headers": {"authorization": "Bearer ${jwt}"}}`, 'authorization'],
      [`[{"name":"Authorization","value":"Bearer ${jwt}"},{"name":"Accept","value":"*/*"}]`, 'authorization'],
      [`curl -X GET -H "Accept: */*" -H 'Authorization: Bearer ${jwt}' https://x`, 'authorization'],
      [`x-amzn-oidc-data: ${jwt}`, 'x-amzn-oidc-data'],
    ];
    for (const [text, header] of forms) {
      const parsed = parseInput(text);
      assert.ok(parsed.ok, `${text}: ${parsed.ok ? '' : parsed.message}`);
      assert.equal(parsed.tokens.length, 1, text);
      assert.equal(parsed.tokens[0]?.token, jwt, text);
      assert.equal(parsed.tokens[0]?.header, header, text);
    }
  });

  test('a header block yields each token header and the identity', () => {
    const parsed = parseInput(
      `POST /orders HTTP/1.1\nHost: x\nAuthorization: Bearer ${jwt}\nx-amzn-oidc-identity: abc\nx-amzn-oidc-data: ${jwt}\nx-amzn-oidc-accesstoken: ${jwt}\n`,
    );
    assert.ok(parsed.ok);
    assert.equal(parsed.headerBlock, true);
    assert.deepEqual(
      parsed.tokens.map((t) => t.header),
      ['authorization', 'x-amzn-oidc-data', 'x-amzn-oidc-accesstoken'],
    );
    assert.equal(parsed.identity, 'abc');
  });

  test('malformed input is an error with a reason, never a guess', () => {
    const cases: [string, RegExp][] = [
      ['Authorization: Basic dXNlcjpwYXNz', /Basic/],
      ['Host: x\nAccept: y', /no Authorization/],
      ['Authorization: Bearer a\nAuthorization: Bearer b', /more than once/],
      ['Host: x\nthis is not a header', /line 2/],
      ['{"a": 1', /not valid JSON/],
      ['{"Accept": "x"}', /no Authorization/],
      ['curl https://example.com', /no -H/],
      ['one two three', /not a token/],
    ];
    for (const [text, pattern] of cases) {
      const parsed = parseInput(text);
      assert.equal(parsed.ok, false, text);
      assert.match(parsed.ok ? '' : parsed.message, pattern, text);
    }
  });
});

describe('decode and classify', () => {
  const rsa = rsaKey();
  test('Cognito ID, Cognito access, ALB, generic JWT, JWE, invalid', () => {
    const ec = ecKey();
    assert.equal(
      decodeToken(signToken({ alg: 'RS256' }, idClaims(), rsa.privateKey)).token.kind,
      'cognito-id',
    );
    assert.equal(
      decodeToken(signToken({ alg: 'RS256' }, accessClaims(), rsa.privateKey)).token.kind,
      'cognito-access',
    );
    assert.equal(decodeToken(albBlob(ec)).token.kind, 'alb-data');
    assert.equal(decodeToken(signToken({ alg: 'RS256' }, { sub: 'x' }, rsa.privateKey)).token.kind, 'jwt');
    assert.equal(decodeToken('a.b.c.d.e').token.kind, 'jwe');
    assert.equal(decodeToken('nope').token.kind, 'invalid');
  });

  test('segments must be canonical base64url: stray trailing bits, "+" and "/" are refused', () => {
    const header = b64url('{"alg":"RS256","ab":1}'); // 22 bytes: the last character carries 4 unused bits
    const last = header.at(-1) ?? 'A';
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const stray = header.slice(0, -1) + (letters[letters.indexOf(last) + 1] ?? 'A');
    assert.equal(Buffer.from(stray, 'base64url').toString(), Buffer.from(header, 'base64url').toString());
    const decoded = decodeToken(`${stray}.${b64url('{}')}.${b64url('s')}`);
    assert.equal(decoded.format.status, 'fail');
    assert.match(decoded.format.message, /not canonical/);
    assert.match(
      decodeToken(`${header}.${b64url('{}')}+.${b64url('s')}`).format.message,
      /payload segment contains characters outside/,
    );
  });

  test('raw JSON text is kept so duplicate keys stay visible', () => {
    const token = `${b64url('{"alg":"RS256","alg":"none"}')}.${b64url('{"a":1}')}.${b64url('s')}`;
    const decoded = decodeToken(token);
    assert.equal(decoded.token.rawHeader, '{"alg":"RS256","alg":"none"}');
    assert.deepEqual(decoded.duplicateHeaderKeys, ['alg']);
    assert.equal(decoded.format.status, 'fail');
  });

  test('duplicate detection ignores look-alikes inside strings and nested objects', () => {
    assert.deepEqual(findDuplicateKeys('{"a":"x\\":","b":{"a":1},"c":[{"a":1},{"a":2}]}'), []);
    assert.deepEqual(findDuplicateKeys('{"a":1,"b":{"c":1,"c":2},"a":3}').sort(), ['a', 'c']);
    const parsed = parseJsonObject('{"text":"\\"a\\": 1","n":{"k":"v"}}');
    assert.ok(parsed.ok && parsed.parsed.duplicateKeys.length === 0);
  });

  test('decodeReport: claims with meanings and times, never valid', () => {
    const claims = idClaims({ 'custom:tenant': 'acme' });
    const report = decodeReport(signToken({ kid: 'k', alg: 'RS256' }, claims, rsa.privateKey), NOW);
    assert.equal(report.valid, false);
    const exp = report.claims.find((c) => c.name === 'exp');
    assert.equal(exp?.time?.relative, 'in 1 hour');
    assert.equal(exp?.time?.iso, '2023-11-14T23:13:20.000Z');
    assert.match(report.claims.find((c) => c.name === 'cognito:groups')?.meaning ?? '', /groups/);
    assert.equal(
      report.claims.find((c) => c.name === 'custom:tenant')?.meaning,
      'Custom user pool attribute',
    );
    assert.equal(report.lifetimeSeconds, 3660);
    assert.match(report.redacted, /\.<redacted>$/);
  });
});

describe('time and redaction', () => {
  test('relative and ISO times, including absurd values', () => {
    assert.equal(relativeTime(NOW + 59 * 60, NOW), 'in 59 minutes');
    assert.equal(relativeTime(NOW - 3 * 3600, NOW), '3 hours ago');
    assert.equal(relativeTime(NOW, NOW), 'now');
    assert.equal(isoTime(1e308), 'out of calendar range');
    assert.equal(isoTime(Number.POSITIVE_INFINITY), 'out of calendar range');
  });

  test('tokens are redacted in logs', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    assert.equal(redactToken(token), 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.<redacted>');
    assert.equal(
      redactText(`sent Bearer ${token} to /x`),
      'sent Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.<redacted> to /x',
    );
    assert.match(redactToken('garbage'), /^sha256:[0-9a-f]{12}$/);
  });
});

describe('checks', () => {
  const rsa = rsaKey();
  const source = { type: 'jwks' as const, jwks: { keys: [rsa.jwk] }, label: 'k' };

  test('algorithm allowlists per kind', () => {
    assert.deepEqual(allowedAlgorithms('cognito-id', { now: 0 }), ['RS256']);
    assert.deepEqual(allowedAlgorithms('alb-data', { now: 0 }), ['ES256']);
    assert.ok(!allowedAlgorithms('jwt', { now: 0 }).some((a) => a.startsWith('HS')));
    assert.deepEqual(
      allowedAlgorithms('jwt', {
        now: 0,
        keySource: { type: 'secret', secret: new Uint8Array(32), label: 's' },
      }),
      ['HS256', 'HS384', 'HS512'],
    );
    assert.deepEqual(allowedAlgorithms('jwt', { now: 0, algorithms: ['none', 'RS256', 'HS256'] }), ['RS256']);
  });

  test('every contract check id is reported, in order', async () => {
    const report = await inspectToken(
      signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey),
      { now: NOW, keySource: source },
      { keys },
    );
    assert.deepEqual(
      report.checks.map((c) => c.id),
      [
        'format',
        'alg',
        'kid',
        'key',
        'signature',
        'iss',
        'aud',
        'client_id',
        'token_use',
        'exp',
        'nbf',
        'iat',
        'claim_types',
        'scope',
        'signer',
        'client',
      ],
    );
    assert.equal(report.valid, true);
    assert.equal(
      report.checks.find((c) => c.id === 'iss')?.status,
      'warn',
      'an unpinned Cognito issuer is a warning',
    );
    assert.equal(report.checks.find((c) => c.id === 'iss')?.reason, 'not-configured');
    assert.equal(report.checks.find((c) => c.id === 'signature')?.reason, undefined);
  });

  test('scopes: any one of the required scopes, from scope or scp', async () => {
    const token = signToken({ kid: rsa.kid, alg: 'RS256' }, accessClaims(), rsa.privateKey);
    const pass = await inspectToken(
      token,
      { now: NOW, keySource: source, requiredScopes: ['orders/write', 'orders/read'] },
      { keys },
    );
    assert.equal(pass.checks.find((c) => c.id === 'scope')?.status, 'pass');
    const fail = await inspectToken(
      token,
      { now: NOW, keySource: source, requiredScopes: ['admin'] },
      { keys },
    );
    assert.equal(fail.checks.find((c) => c.id === 'scope')?.status, 'fail');
    const scp = signToken(
      { kid: rsa.kid, alg: 'RS256' },
      { sub: 'x', exp: NOW + 60, scp: ['a', 'b'] },
      rsa.privateKey,
    );
    const scpReport = await inspectToken(
      scp,
      { now: NOW, keySource: source, requiredScopes: ['b'] },
      { keys },
    );
    assert.equal(scpReport.checks.find((c) => c.id === 'scope')?.status, 'pass');
    const id = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
    const idReport = await inspectToken(
      id,
      { now: NOW, keySource: source, requiredScopes: ['orders/read'] },
      { keys },
    );
    assert.match(idReport.checks.find((c) => c.id === 'scope')?.message ?? '', /ID tokens carry no scopes/);
  });

  test('generic JWT audience: aud first, client_id only when aud is absent (API Gateway JWT rule)', async () => {
    const noAud = signToken(
      { kid: rsa.kid, alg: 'RS256' },
      { sub: 'x', exp: NOW + 60, client_id: 'c1' },
      rsa.privateKey,
    );
    const r1 = await inspectToken(noAud, { now: NOW, keySource: source, audience: ['c1'] }, { keys });
    assert.equal(r1.checks.find((c) => c.id === 'client_id')?.status, 'pass');
    const withAud = signToken(
      { kid: rsa.kid, alg: 'RS256' },
      { sub: 'x', exp: NOW + 60, aud: 'other', client_id: 'c1' },
      rsa.privateKey,
    );
    const r2 = await inspectToken(withAud, { now: NOW, keySource: source, audience: ['c1'] }, { keys });
    assert.equal(r2.checks.find((c) => c.id === 'aud')?.status, 'fail');
    assert.equal(r2.checks.find((c) => c.id === 'aud')?.reason, 'mismatch');
    assert.equal(r2.checks.find((c) => c.id === 'client_id')?.reason, 'not-applicable');
    assert.equal(r2.valid, false);
  });

  test('no key source for a non-Cognito issuer is a failed key check, not a pass', async () => {
    const token = signToken(
      { kid: rsa.kid, alg: 'RS256' },
      { sub: 'x', exp: NOW + 60, iss: 'https://idp.example.com' },
      rsa.privateKey,
    );
    const report = await inspectToken(token, { now: NOW }, { keys });
    assert.equal(report.checks.find((c) => c.id === 'key')?.status, 'fail');
    assert.equal(report.checks.find((c) => c.id === 'key')?.reason, 'no-key-source');
    assert.equal(report.checks.find((c) => c.id === 'signature')?.reason, 'depends');
    assert.equal(report.valid, false);
  });

  test('hover mode never touches the network: keys not cached means not checked', async () => {
    const token = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
    const report = await inspectToken(
      token,
      { now: NOW, allowNetwork: false, issuer: ISSUER, clientId: CLIENT_ID },
      { keys },
    );
    assert.equal(report.checks.find((c) => c.id === 'key')?.status, 'skip');
    assert.equal(report.checks.find((c) => c.id === 'key')?.reason, 'not-cached');
    assert.equal(report.checks.find((c) => c.id === 'signature')?.status, 'skip');
    assert.equal(report.checks.find((c) => c.id === 'signature')?.reason, 'depends');
    assert.equal(report.valid, false);
  });
});

describe('lints', () => {
  test('real Cognito kids (base64 with "/" and "+") are not suspicious; path-like ones are', () => {
    const rsa = rsaKey();
    const kidWarning = (kid: string): boolean =>
      decodeReport(signToken({ kid, alg: 'RS256' }, idClaims(), rsa.privateKey), NOW).warnings.some(
        (w) => w.id === 'suspicious-kid',
      );
    assert.equal(kidWarning('abcd/EFGH+ijkl/mnop0123456789ABCDEFGHIJ+KL=='), false);
    assert.equal(kidWarning('../../../../dev/null'), true);
    assert.equal(kidWarning('/etc/passwd'), true);
    assert.equal(kidWarning("key' OR '1'='1"), true);
    assert.equal(kidWarning('k'.repeat(200)), true);
  });
});
