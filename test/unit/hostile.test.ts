// The 48 hostile and malformed inputs of security.md, each with its expected outcome.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { inspectInput, inspectToken } from '../../src/core/verify/inspect.ts';
import { parseInput } from '../../src/core/inputParse.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import type { CheckReason } from '../../src/core/findings.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import type { KeySource, TokenReport, VerifyOptions } from '../../src/core/types.ts';
import { renderReport } from '../../src/cli/render.ts';
import {
  ALB_ARN,
  CLIENT_ID,
  ISSUER,
  NOW,
  accessClaims,
  albBlob,
  b64url,
  ecKey,
  idClaims,
  publicPem,
  rsaKey,
  signRaw,
  signToken,
  startKeyServer,
} from '../support/tokens.ts';
import type { KeyServer, TestKey } from '../support/tokens.ts';

let rsa: TestKey;
let ec: TestKey;
let server: KeyServer;
let keys: KeyProvider;

before(async () => {
  rsa = rsaKey();
  ec = ecKey();
  server = await startKeyServer({
    '/jwks.json': { body: JSON.stringify({ keys: [rsa.jwk] }) },
    [`/${ec.kid}`]: { contentType: 'binary/octet-stream', body: publicPem(ec) },
  });
  keys = createKeyStore({ httpGet: createHttpGet(), now: () => Date.now(), timeoutMs: 2000 });
});
after(() => server.close());

function jwks(...members: unknown[]): KeySource {
  return { type: 'jwks', jwks: { keys: members }, label: 'test-jwks.json' };
}

function options(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return { now: NOW, keySource: jwks(rsa.jwk), issuer: ISSUER, clientId: CLIENT_ID, ...extra };
}

async function inspect(token: string, extra: Partial<VerifyOptions> = {}): Promise<TokenReport> {
  const report = await inspectToken(token, options(extra), { keys });
  // Issue 10: whatever the input, every check that does not pass says why as data.
  const unexplained = report.checks.filter((c) => c.status !== 'pass' && c.reason === undefined);
  assert.deepEqual(unexplained, [], 'every non-pass check carries a reason');
  return report;
}

function reason(report: TokenReport, id: string): CheckReason | undefined {
  return report.checks.find((c) => c.id === id)?.reason;
}

function status(report: TokenReport, id: string): string | undefined {
  return report.checks.find((c) => c.id === id)?.status;
}

function message(report: TokenReport, id: string): string {
  return report.checks.find((c) => c.id === id)?.message ?? '';
}

function hasWarning(report: TokenReport, id: string): boolean {
  return report.warnings.some((w) => w.id === id);
}

function idToken(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  return signToken({ kid: rsa.kid, alg: 'RS256', ...header }, idClaims(claims), rsa.privateKey);
}

function assertRejected(report: TokenReport, id: string, pattern?: RegExp, why?: CheckReason): void {
  assert.equal(report.valid, false, `expected invalid, checks: ${JSON.stringify(report.checks)}`);
  assert.equal(status(report, id), 'fail', `expected ${id} to fail: ${JSON.stringify(report.checks)}`);
  if (pattern) assert.match(message(report, id), pattern);
  if (why) assert.equal(reason(report, id), why, `${id}: ${message(report, id)}`);
}

describe('structure', () => {
  test('1. empty, 1, 2 and 4 segments are invalid format', async () => {
    for (const text of ['', 'abc', 'abc.def', 'a.b.c.d']) {
      const report = await inspect(text);
      assert.equal(report.kind, 'invalid');
      assertRejected(report, 'format', undefined, text === '' ? 'missing' : 'malformed');
    }
  });

  test('2. five segments (a JWE such as a refresh token) say "encrypted", not a crash', async () => {
    const jwe = `${b64url('{"alg":"RSA-OAEP","enc":"A256GCM","cty":"JWT"}')}.${b64url('k')}.${b64url('iv')}.${b64url('ct')}.${b64url('tag')}`;
    const report = await inspect(jwe);
    assert.equal(report.kind, 'jwe');
    assertRejected(report, 'format', /encrypted/, 'unsupported');
    assert.equal(report.header?.['enc'], 'A256GCM');
  });

  test('3. wrappers are stripped, then inspected', async () => {
    const token = idToken();
    const wrapped = [
      `Bearer ${token}`,
      `Authorization: Bearer ${token}`,
      `"Authorization": "Bearer ${token}"`,
      `"Authorization": "Bearer ${token}",`,
      `{"name": "Authorization", "value": "Bearer ${token}"}`,
      `curl -s -H 'Authorization: Bearer ${token}' https://api.example.com/orders`,
      `curl --header "Authorization: ${token}" https://api.example.com/`,
    ];
    for (const text of wrapped) {
      const outcome = await inspectInput(text, options(), { keys });
      assert.ok(outcome.ok, `${text.slice(0, 40)}: ${outcome.ok ? '' : outcome.message}`);
      assert.equal(outcome.items.length, 1);
      assert.equal(outcome.items[0]?.report.valid, true, text.slice(0, 40));
    }
    const blob = albBlob(ec);
    const parsed = parseInput(`x-amzn-oidc-data: ${blob}`);
    assert.ok(parsed.ok);
    assert.equal(parsed.tokens[0]?.token, blob);
    assert.equal(parsed.tokens[0]?.header, 'x-amzn-oidc-data');
  });

  test('4. surrounding whitespace is trimmed; whitespace inside is invalid', async () => {
    const token = idToken();
    assert.equal((await inspectInput(`  ${token}\n`, options(), { keys })).ok, true);
    assert.equal((await inspect(`${token}\n`)).valid, true);
    const inside = `${token.slice(0, 20)}\n${token.slice(20)}`;
    const outcome = await inspectInput(inside, options(), { keys });
    assert.equal(outcome.ok, false, 'a line break inside a token is not a header block either');
    assertRejected(await inspect(`${token.slice(0, 20)} ${token.slice(20)}`), 'format');
  });

  test('5. JSON-serialized JWS is rejected', async () => {
    const outcome = await inspectInput(
      '{"protected":"eyJhbGciOiJSUzI1NiJ9","payload":"e30","signature":"abc"}',
      options(),
      { keys },
    );
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.message, /JSON-serialized JWS/);
    assertRejected(await inspect('{"protected":"x"}'), 'format', undefined, 'unsupported');
  });

  test('6. "+", "/" and other non-base64url characters are invalid format', async () => {
    const token = idToken();
    const [h, p, s] = token.split('.');
    for (const bad of [`${h}+.${p}.${s}`, `${h}.${p}/.${s}`, `${h}.${p}.${s}*`, `${h}.${p}é.${s}`]) {
      assertRejected(await inspect(bad), 'format', /base64url|length/);
    }
  });

  test('7. header or payload not JSON, a JSON array, or invalid UTF-8', async () => {
    const sig = b64url('sig');
    const cases = [
      `${b64url('not json')}.${b64url('{}')}.${sig}`,
      `${b64url('{"alg":"RS256"}')}.${b64url('[1,2]')}.${sig}`,
      `${b64url('{"alg":"RS256"}')}.${b64url(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))}.${sig}`,
      `${b64url('null')}.${b64url('{}')}.${sig}`,
    ];
    for (const token of cases) assertRejected(await inspect(token), 'format', /JSON|UTF-8|object|array/);
  });

  test('8. empty, truncated or garbage signature fails the signature check', async () => {
    const token = idToken();
    const [h, p, s = ''] = token.split('.');
    for (const bad of [`${h}.${p}.`, `${h}.${p}.${s.slice(0, 40)}`, `${h}.${p}.${b64url('garbage')}`]) {
      assertRejected(await inspect(bad), 'signature');
    }
  });

  test('9. ALB blob with "=" padding verifies over the padded text; misplaced "=" is invalid format', async () => {
    const blob = albBlob(ec);
    assert.match(blob, /=/);
    const report = await inspect(blob, {
      keySource: { type: 'alb', baseUrl: server.url },
      albArn: ALB_ARN,
      issuer: undefined,
    });
    assert.equal(report.valid, true, JSON.stringify(report.checks));
    const stripped = blob.replace(/=/g, '');
    assertRejected(
      await inspect(stripped, {
        keySource: { type: 'alb', baseUrl: server.url },
        albArn: ALB_ARN,
        issuer: undefined,
      }),
      'signature',
    );
    const [h = '', p, s] = blob.split('.');
    const misplaced = `${h.replace(/=+$/, '')}=x.${p}.${s}`;
    assertRejected(await inspect(misplaced), 'format');
  });
});

describe('algorithms', () => {
  test('10. alg none in any case is rejected whatever the settings', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const token = `${b64url(JSON.stringify({ alg }))}.${b64url(JSON.stringify(idClaims()))}.`;
      const report = await inspect(token, { algorithms: ['none', 'RS256'] });
      assertRejected(report, 'alg', /none/, 'unsupported');
      assert.ok(hasWarning(report, 'alg-none'));
    }
  });

  test('11. alg missing or not a string is rejected', async () => {
    for (const header of [{ kid: rsa.kid }, { kid: rsa.kid, alg: 256 }, { kid: rsa.kid, alg: ['RS256'] }]) {
      const token = signRaw(JSON.stringify(header), JSON.stringify(idClaims()), rsa.privateKey, 'RS256');
      assertRejected(await inspect(token), 'alg');
    }
  });

  test('12. RS256 -> HS256 confusion (HMAC keyed with the public key PEM) is rejected', async () => {
    const secret = Buffer.from(publicPem(rsa));
    const token = signToken({ kid: rsa.kid, alg: 'HS256' }, idClaims(), secret);
    assertRejected(await inspect(token), 'alg', /HMAC/);
    assertRejected(await inspect(token, { algorithms: ['HS256', 'RS256'] }), 'alg');
    const generic = signToken({ kid: rsa.kid, alg: 'HS256' }, { sub: 'x', exp: NOW + 60 }, secret);
    assertRejected(await inspect(generic, { issuer: undefined }), 'alg');
  });

  test('13. PS256 or "RS256 " where RS256 is expected is rejected', async () => {
    const ps = signToken({ kid: rsa.kid, alg: 'PS256' }, idClaims(), rsa.privateKey);
    assertRejected(await inspect(ps), 'alg');
    const spaced = signRaw(
      JSON.stringify({ kid: rsa.kid, alg: 'RS256 ' }),
      JSON.stringify(idClaims()),
      rsa.privateKey,
      'RS256',
    );
    assertRejected(await inspect(spaced), 'alg');
  });

  test('14. ES256 header carrying an RSA kid finds no matching key', async () => {
    const token = signToken({ kid: rsa.kid, alg: 'ES256' }, { sub: 'x', exp: NOW + 60 }, ec.privateKey);
    const report = await inspect(token, { issuer: undefined, clientId: undefined });
    assertRejected(report, 'key', undefined, 'mismatch');
    assertRejected(report, 'signature', /no usable key/, 'depends');
  });

  test('15. ECDSA psychic signature (r = s = 0) is rejected', async () => {
    const blob = albBlob(ec);
    const [h, p] = blob.split('.');
    const zero = `${h}.${p}.${b64url(Buffer.alloc(64), true)}`;
    const report = await inspect(zero, {
      keySource: { type: 'alb', baseUrl: server.url },
      albArn: ALB_ARN,
      issuer: undefined,
    });
    assertRejected(report, 'signature', /psychic|zero/);
  });

  test('16. ES256 signature in DER instead of r||s is rejected', async () => {
    const { sign } = await import('node:crypto');
    const blob = albBlob(ec);
    const [h = '', p = ''] = blob.split('.');
    const der = sign('sha256', Buffer.from(`${h}.${p}`), ec.privateKey);
    const report = await inspect(`${h}.${p}.${b64url(der, true)}`, {
      keySource: { type: 'alb', baseUrl: server.url },
      albArn: ALB_ARN,
      issuer: undefined,
    });
    assertRejected(report, 'signature', /DER|64 bytes/);
  });

  test('17. HS256 with a short user-given secret passes the signature but warns', async () => {
    const secret = Buffer.from('secret');
    const token = signToken({ alg: 'HS256', typ: 'JWT' }, { sub: 'x', exp: NOW + 60 }, secret);
    const report = await inspect(token, {
      keySource: { type: 'secret', secret, label: 'secret.txt' },
      issuer: undefined,
      clientId: undefined,
    });
    assert.equal(status(report, 'signature'), 'pass');
    assert.ok(hasWarning(report, 'weak-secret'));
    const strong = Buffer.from('x'.repeat(16) + randomUUID());
    const good = signToken({ alg: 'HS256' }, { sub: 'x', exp: NOW + 60 }, strong);
    const ok = await inspect(good, {
      keySource: { type: 'secret', secret: strong, label: 's' },
      issuer: undefined,
      clientId: undefined,
    });
    assert.equal(ok.valid, true);
    assert.equal(hasWarning(ok, 'weak-secret'), false);
  });
});

describe('header parameters', () => {
  test('18. path-like, SQL-ish and numeric kids match no key and are never paths', async () => {
    for (const kid of ['../../../../dev/null', "' OR 1=1 --"]) {
      const token = signToken({ kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
      const report = await inspect(token);
      assertRejected(report, 'kid', /no key with this kid/);
      assertRejected(report, 'key', /no key with kid/);
      assert.ok(message(report, 'key').includes(JSON.stringify(kid)), 'the kid is named as opaque text');
      assert.equal(status(report, 'signature'), 'fail');
    }
    // A numeric kid is malformed in itself (RFC 7515: a string): rejected whatever the key set holds.
    const numeric = await inspect(signToken({ kid: 12345, alg: 'RS256' }, idClaims(), rsa.privateKey));
    assertRejected(numeric, 'kid', /kid must be a string/);
    assertRejected(numeric, 'key', /kid is not a string, so it names no key/);
    assert.equal(status(numeric, 'signature'), 'fail');
  });

  test('19. an ALB kid that is not a UUID is rejected before any request', async () => {
    const before = server.requests.length;
    const blob = albBlob(ec, { header: { kid: '../../etc/passwd' } });
    const report = await inspect(blob, {
      keySource: { type: 'alb', baseUrl: server.url },
      albArn: ALB_ARN,
      issuer: undefined,
    });
    assertRejected(report, 'kid', /UUID/, 'malformed');
    assert.equal(reason(report, 'key'), 'depends');
    const derived = await inspect(blob, { keySource: undefined, albArn: ALB_ARN, issuer: undefined });
    assertRejected(derived, 'kid', /UUID/);
    assert.equal(server.requests.length, before);
  });

  test('20. jku / x5u are never fetched; the signature fails; warned', async () => {
    const attacker = rsaKey();
    const bait = await startKeyServer({ '/evil.json': { body: JSON.stringify({ keys: [attacker.jwk] }) } });
    try {
      for (const name of ['jku', 'x5u']) {
        const token = signToken(
          { kid: rsa.kid, alg: 'RS256', [name]: `${bait.url}/evil.json` },
          idClaims(),
          attacker.privateKey,
        );
        const report = await inspect(token, {
          keySource: { type: 'jwks-url', url: `${server.url}/jwks.json` },
        });
        assertRejected(report, 'signature');
        assert.ok(hasWarning(report, `header-${name}`));
      }
      assert.equal(bait.requests.length, 0);
    } finally {
      await bait.close();
    }
  });

  test('21. embedded jwk (CVE-2018-0114) or x5c is ignored as a key source; warned', async () => {
    const attacker = rsaKey();
    const jwkToken = signToken(
      { kid: rsa.kid, alg: 'RS256', jwk: attacker.jwk },
      idClaims(),
      attacker.privateKey,
    );
    const report = await inspect(jwkToken);
    assertRejected(report, 'signature');
    assert.ok(hasWarning(report, 'header-jwk'));
    const x5c = signToken({ kid: rsa.kid, alg: 'RS256', x5c: ['MIIB...'] }, idClaims(), attacker.privateKey);
    const x5cReport = await inspect(x5c);
    assertRejected(x5cReport, 'signature');
    assert.ok(hasWarning(x5cReport, 'header-x5c'));
  });

  test('22. crit with unknown names, or crit: [], is rejected', async () => {
    for (const crit of [['exp'], []]) {
      assertRejected(await inspect(idToken({}, { crit })), 'format', /crit/, 'unsupported');
    }
  });

  test('23. b64: false is rejected', async () => {
    assertRejected(await inspect(idToken({}, { b64: false })), 'format', /b64/, 'unsupported');
  });

  test('24. duplicate header names are detected in the raw JSON', async () => {
    const token = signRaw(
      `{"alg":"none","kid":"${rsa.kid}","alg":"RS256"}`,
      JSON.stringify(idClaims()),
      rsa.privateKey,
      'RS256',
    );
    const report = await inspect(token);
    assertRejected(report, 'format', /repeats "alg"/, 'malformed');
    assert.ok(hasWarning(report, 'duplicate-key'));
  });

  test('25. an unexpected typ warns', async () => {
    const report = await inspect(idToken({}, { typ: 'dpop+jwt' }));
    assert.equal(report.valid, true);
    assert.ok(hasWarning(report, 'unexpected-typ'));
  });
});

describe('claims', () => {
  test('26. exp in the past, equal to now, or -1 is expired', async () => {
    for (const exp of [NOW - 1, NOW, -1])
      assertRejected(await inspect(idToken({ exp })), 'exp', /expired/, 'expired');
  });

  test('27. string or null dates must be numbers', async () => {
    assertRejected(await inspect(idToken({ exp: '9999999999' })), 'exp', /must be a number/, 'malformed');
    assertRejected(await inspect(idToken({ iat: 'yesterday' })), 'iat', /must be a number/, 'malformed');
    assertRejected(await inspect(idToken({ nbf: null })), 'nbf', /must be a number/, 'malformed');
  });

  test('28. exp: 1e400 (Infinity after parsing) is not finite', async () => {
    const payload = JSON.stringify(idClaims()).replace(/"exp":\d+/, '"exp":1e400');
    const token = signRaw(JSON.stringify({ kid: rsa.kid, alg: 'RS256' }), payload, rsa.privateKey, 'RS256');
    const report = await inspect(token);
    assertRejected(report, 'exp', /finite/);
    assert.doesNotThrow(() => JSON.stringify(report));
  });

  test('29. exp: 1e308, or a Cognito token living longer than a day, is valid but warned', async () => {
    const far = await inspect(idToken({ exp: 1e308 }));
    assert.equal(far.valid, true);
    assert.ok(hasWarning(far, 'far-future-exp'));
    const long = await inspect(idToken({ exp: NOW + 2 * 86400 }));
    assert.equal(long.valid, true);
    assert.ok(hasWarning(long, 'long-lifetime'));
  });

  test('30. missing exp fails for Cognito kinds and warns for generic JWTs', async () => {
    assertRejected(await inspect(idToken({ exp: undefined })), 'exp', /no exp/, 'missing');
    const generic = signToken(
      { kid: rsa.kid, alg: 'RS256' },
      { sub: 'x', iss: 'https://idp.example.com' },
      rsa.privateKey,
    );
    const report = await inspect(generic, { issuer: 'https://idp.example.com', clientId: undefined });
    assert.equal(status(report, 'exp'), 'warn');
    assert.equal(reason(report, 'exp'), 'missing');
    assert.equal(report.valid, true);
  });

  test('31. fractional exp is allowed', async () => {
    const report = await inspect(idToken({ exp: NOW + 10.5 }));
    assert.equal(report.valid, true);
  });

  test('32. nbf in the future is not yet valid; within the clock skew it passes with a note', async () => {
    assertRejected(await inspect(idToken({ nbf: NOW + 30 })), 'nbf', /not valid yet/, 'not-yet-valid');
    const skewed = await inspect(idToken({ nbf: NOW + 30 }), { clockSkewSeconds: 60 });
    assert.equal(status(skewed, 'nbf'), 'pass');
    assert.match(message(skewed, 'nbf'), /skew/);
  });

  test('33. iat in the future warns', async () => {
    const report = await inspect(idToken({ iat: NOW + 600 }));
    assert.equal(status(report, 'iat'), 'warn');
    assert.equal(reason(report, 'iat'), 'issued-in-future');
    assert.ok(hasWarning(report, 'iat-future'));
  });

  test('34. aud must be a string or an array of strings', async () => {
    assertRejected(await inspect(idToken({ aud: 123 })), 'aud', undefined, 'malformed');
    assertRejected(await inspect(idToken({ aud: [123, CLIENT_ID] })), 'aud', /array of strings/, 'malformed');
    assert.equal((await inspect(idToken({ aud: ['other', CLIENT_ID] }))).valid, true);
  });

  test('35. access tokens are matched on client_id, ID tokens on aud', async () => {
    const access = signToken({ kid: rsa.kid, alg: 'RS256' }, accessClaims(), rsa.privateKey);
    const report = await inspect(access);
    assert.equal(status(report, 'client_id'), 'pass');
    assert.equal(status(report, 'aud'), 'skip');
    assert.equal(reason(report, 'aud'), 'not-applicable');
    assertRejected(await inspect(access, { clientId: 'another' }), 'client_id', undefined, 'mismatch');
    const id = await inspect(idToken());
    assert.equal(status(id, 'aud'), 'pass');
    assert.equal(reason(id, 'aud'), undefined);
    assertRejected(await inspect(idToken(), { clientId: 'another' }), 'aud', undefined, 'mismatch');
  });

  test('36. the wrong token_use is rejected with a "wrong token kind" explanation', async () => {
    const access = signToken({ kid: rsa.kid, alg: 'RS256' }, accessClaims(), rsa.privateKey);
    assertRejected(
      await inspect(access, { tokenUse: 'id' }),
      'token_use',
      /wrong token kind.*access token/,
      'mismatch',
    );
    assertRejected(await inspect(idToken(), { tokenUse: 'access' }), 'token_use', /wrong token kind/);
  });

  test('37. issuer with a trailing slash, other case, a Cyrillic look-alike or an array mismatches', async () => {
    assertRejected(await inspect(idToken({ iss: `${ISSUER}/` })), 'iss', /trailing slash/, 'mismatch');
    assertRejected(await inspect(idToken({ iss: ISSUER.toUpperCase() })), 'iss', /case/);
    const cyrillic = await inspect(idToken({ iss: ISSUER.replace('c', '\u0441') }));
    assertRejected(cyrillic, 'iss', /non-ASCII/);
    assert.ok(hasWarning(cyrillic, 'iss-non-ascii'));
    assertRejected(await inspect(idToken({ iss: [ISSUER] })), 'iss', /string/, 'malformed');
  });

  test('38. duplicate claim names are detected and fail', async () => {
    const payload = JSON.stringify(idClaims())
      .replace('{', '{"sub":"user",')
      .replace(/}$/, ',"sub":"admin"}');
    const token = signRaw(JSON.stringify({ kid: rsa.kid, alg: 'RS256' }), payload, rsa.privateKey, 'RS256');
    const report = await inspect(token);
    assertRejected(report, 'format', /"sub"/);
  });

  test('39. "__proto__" and "constructor" claims stay plain claims; nothing is polluted', async () => {
    const payload = JSON.stringify(idClaims()).replace(
      '{',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
    );
    const token = signRaw(JSON.stringify({ kid: rsa.kid, alg: 'RS256' }), payload, rsa.privateKey, 'RS256');
    const report = await inspect(token);
    assert.equal(report.valid, true, JSON.stringify(report.checks));
    assert.ok(Object.hasOwn(report.payload ?? {}, '__proto__'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.ok(report.claims.some((c) => c.name === '__proto__'));
    assert.ok(hasWarning(report, 'proto-key'));
  });

  test('40. markup and javascript: URLs in claims stay inert text', async () => {
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>javascript:alert(3)';
    const report = await inspect(idToken({ name: hostile }));
    assert.equal(report.valid, true, 'markup in a claim changes nothing about verification');
    assert.equal(report.payload?.['name'], hostile);
    assert.deepEqual(
      report.claims.filter((c) => c.name === 'name').map((c) => c.value),
      [hostile],
      'one claim row whose value is the exact text (webviews set it as textContent)',
    );
    // In a terminal markup is inert: it is printed once, verbatim, as the value of its own row, and nowhere else.
    const lines = renderReport(report).split('\n');
    const shown = lines.filter((line) => line.includes('<img'));
    assert.equal(shown.length, 1, shown.join('\n'));
    assert.match(
      shown[0] ?? '',
      /^ {2}name +<img src=x onerror=alert\(1\)><script>alert\(2\)<\/script>javascript:alert\(3\)(?: {2}# .*)?$/,
    );
  });

  test('41. bidi and zero-width characters are escaped visibly and warned', async () => {
    const report = await inspect(idToken({ 'custom:role': 'user\u202Enimda', 'custom:x': 'a\u200Bb' }));
    assert.ok(hasWarning(report, 'invisible-characters'));
    const text = renderReport(report);
    assert.ok(text.includes('user\\u202enimda'));
    assert.ok(!text.includes('\u202E'));
  });

  test('42. deeply nested payloads are capped before rendering', async () => {
    const depth = 20_000;
    const payload = `{"exp":${NOW + 60},"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const token = signRaw(JSON.stringify({ kid: rsa.kid, alg: 'RS256' }), payload, rsa.privateKey, 'RS256');
    const report = await inspect(token);
    assertRejected(report, 'format', /deeper than 64/);
    assert.doesNotThrow(() => JSON.stringify(report));
  });

  test('43. a 5 MiB claim or a 200 MiB input is refused with a clear size message', async () => {
    const big = signToken(
      { kid: rsa.kid, alg: 'RS256' },
      idClaims({ blob: 'x'.repeat(5 * 1024 * 1024) }),
      rsa.privateKey,
    );
    assertRejected(await inspect(big), 'format', /limit is 64 KiB/);
    const huge = 'a'.repeat(200 * 1024 * 1024);
    const outcome = parseInput(huge);
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.message, /limit/);
  });
});

describe('keys', () => {
  test('44. a JWKS member with private parts is rejected and warned', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const leaked = { ...privateKey.export({ format: 'jwk' }), kid: rsa.kid, alg: 'RS256' };
    const report = await inspect(idToken(), { keySource: jwks(leaked) });
    assertRejected(report, 'key');
    assert.ok(report.warnings.some((w) => /private/i.test(w.message)));
  });

  test('45. null, {}, {keys:null}, {keys:[null]} are malformed key sets', async () => {
    for (const value of [null, {}, { keys: null }, { keys: [null] }]) {
      const report = await inspect(idToken(), {
        keySource: { type: 'jwks', jwks: value, label: 'bad.json' },
      });
      assert.equal(report.valid, false);
      assert.equal(status(report, 'key'), 'fail', JSON.stringify(value));
      assert.equal(reason(report, 'key'), 'malformed', JSON.stringify(value));
    }
  });

  test('46. duplicate kid, use "enc", or a JWK alg different from the token give no key', async () => {
    const twin = rsaKey(2048, rsa.kid);
    assertRejected(
      await inspect(idToken(), { keySource: jwks(rsa.jwk, twin.jwk) }),
      'key',
      /refusing to guess|ambiguous|matches 2/,
      'ambiguous',
    );
    assertRejected(
      await inspect(idToken(), { keySource: jwks({ ...rsa.jwk, use: 'enc' }) }),
      'key',
      /encryption/,
      'mismatch',
    );
    assertRejected(
      await inspect(idToken(), { keySource: jwks({ ...rsa.jwk, alg: 'RS512' }) }),
      'key',
      /RS512/,
      'mismatch',
    );
  });

  test('47. RSA below 2048 bits and EC points off the curve are rejected', async () => {
    const small = rsaKey(1024, rsa.kid);
    const token = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), small.privateKey);
    // The short key is dropped (and warned about), so the set has no usable key.
    assertRejected(await inspect(token, { keySource: jwks(small.jwk) }), 'key', /no usable keys/, 'missing');
    const offCurve = { ...ec.jwk, y: b64url(Buffer.alloc(32, 7)) };
    const generic = signToken({ kid: ec.kid, alg: 'ES256' }, { sub: 'x', exp: NOW + 60 }, ec.privateKey);
    assertRejected(
      await inspect(generic, { keySource: jwks(offCurve), issuer: undefined, clientId: undefined }),
      'key',
    );
  });

  test('48. oct keys in a published JWKS are warned about', async () => {
    const report = await inspect(idToken(), {
      keySource: jwks(rsa.jwk, { kty: 'oct', kid: 'hmac', k: b64url('0123456789abcdef') }),
    });
    assert.equal(report.valid, true);
    assert.ok(report.warnings.some((w) => /oct|symmetric/i.test(w.id + w.message)));
  });
});
