// Issue 10: every check that does not pass says why as data (`reason`), so renderers never parse messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { runInspect } from '../../src/cli/inspectCommand.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { decodeReport, inspectInput, inspectToken } from '../../src/core/verify/inspect.ts';
import type { Check, CheckId, CheckReason, CheckStatus } from '../../src/core/findings.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import { fail } from '../../src/core/keys/keyErrors.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import type { KeySource, TokenReport, VerifyOptions } from '../../src/core/types.ts';
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
} from '../support/tokens.ts';

const rsa = rsaKey();
const ec = ecKey();
const store = createKeyStore({ httpGet: createHttpGet(), now: () => Date.now() });
const inlineRsa: KeySource = { type: 'jwks', jwks: { keys: [rsa.jwk] }, label: 'k.json' };
const inlineEc: KeySource = { type: 'pem', pem: publicPem(ec), label: 'alb.pem' };

/** A key provider whose endpoint always fails with an HTTP status, counting the calls it answers. */
function failingEndpoint(): KeyProvider & { calls: number } {
  const provider = {
    calls: 0,
    jwks: () => {
      provider.calls++;
      return Promise.resolve(fail<never>('http-status', 'the key endpoint answered 503'));
    },
    albKey: () => {
      provider.calls++;
      return Promise.resolve(fail<never>('http-status', 'the key endpoint answered 503'));
    },
    peekJwks: () => undefined,
    peekAlbKey: () => undefined,
    clear: () => undefined,
  };
  return provider;
}

function idToken(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  return signToken({ kid: rsa.kid, alg: 'RS256', ...header }, idClaims(claims), rsa.privateKey);
}

function accessToken(claims: Record<string, unknown> = {}): string {
  return signToken({ kid: rsa.kid, alg: 'RS256' }, accessClaims(claims), rsa.privateKey);
}

function generic(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return signToken({ kid: rsa.kid, alg: 'RS256', ...header }, claims, rsa.privateKey);
}

type Triple = [CheckId, CheckStatus, CheckReason | undefined];

interface Row {
  name: string;
  token: string;
  options?: Partial<VerifyOptions>;
  keys?: KeyProvider;
  expect: Triple[];
}

const pinned: Partial<VerifyOptions> = { keySource: inlineRsa, issuer: ISSUER, clientId: CLIENT_ID };

const ROWS: Row[] = [
  {
    name: 'a valid pinned ID token: the checks that pass carry no reason',
    token: idToken(),
    options: pinned,
    expect: [
      ['signature', 'pass', undefined],
      ['iss', 'pass', undefined],
      ['aud', 'pass', undefined],
      ['client_id', 'skip', 'not-applicable'],
      ['token_use', 'skip', 'not-configured'],
      ['nbf', 'skip', 'missing'],
      ['scope', 'skip', 'not-configured'],
      ['signer', 'skip', 'not-applicable'],
    ],
  },
  {
    name: 'keys not cached and the network off',
    token: idToken(),
    options: { allowNetwork: false, issuer: ISSUER, clientId: CLIENT_ID },
    keys: store,
    expect: [
      ['key', 'skip', 'not-cached'],
      ['signature', 'skip', 'depends'],
    ],
  },
  {
    name: 'no key source for a non-Cognito issuer',
    token: generic({ sub: 'x', exp: NOW + 60, iss: 'https://idp.example.com' }),
    expect: [
      ['key', 'fail', 'no-key-source'],
      ['signature', 'fail', 'depends'],
      ['iss', 'skip', 'not-configured'],
      ['aud', 'skip', 'not-configured'],
      ['client_id', 'skip', 'not-configured'],
      ['token_use', 'skip', 'not-applicable'],
    ],
  },
  {
    name: 'the key endpoint fails',
    token: idToken(),
    options: { issuer: ISSUER, clientId: CLIENT_ID },
    keys: failingEndpoint(),
    expect: [
      ['key', 'fail', 'key-fetch-failed'],
      ['signature', 'fail', 'depends'],
    ],
  },
  {
    name: 'a malformed inline key set',
    token: idToken(),
    options: { ...pinned, keySource: { type: 'jwks', jwks: { keys: null }, label: 'bad.json' } },
    expect: [['key', 'fail', 'malformed']],
  },
  {
    name: 'expired, unpinned Cognito issuer',
    token: idToken({ exp: NOW - 10 }),
    options: { keySource: inlineRsa },
    expect: [
      ['exp', 'fail', 'expired'],
      ['iss', 'warn', 'not-configured'],
      ['aud', 'skip', 'not-configured'],
    ],
  },
  {
    name: 'wrong audience, wrong issuer',
    token: idToken({ aud: 'another-client', iss: `${ISSUER}/` }),
    options: pinned,
    expect: [
      ['aud', 'fail', 'mismatch'],
      ['iss', 'fail', 'mismatch'],
    ],
  },
  {
    name: 'aud, iss and dates of the wrong type',
    token: idToken({ aud: 123, iss: [ISSUER], nbf: 'soon', iat: null, sub: 7 }),
    options: pinned,
    expect: [
      ['aud', 'fail', 'malformed'],
      ['iss', 'fail', 'malformed'],
      ['nbf', 'fail', 'malformed'],
      ['iat', 'fail', 'malformed'],
      ['claim_types', 'fail', 'malformed'],
    ],
  },
  {
    name: 'not yet valid, issued in the future',
    token: idToken({ nbf: NOW + 600, iat: NOW + 600 }),
    options: pinned,
    expect: [
      ['nbf', 'fail', 'not-yet-valid'],
      ['iat', 'warn', 'issued-in-future'],
    ],
  },
  {
    name: 'missing exp, iss and aud on an ID token',
    token: idToken({ exp: undefined, iss: undefined, aud: undefined }),
    options: pinned,
    expect: [
      ['exp', 'fail', 'missing'],
      ['iss', 'fail', 'missing'],
      ['aud', 'fail', 'missing'],
    ],
  },
  {
    name: 'a generic JWT without exp or kid',
    token: signToken({ alg: 'RS256' }, { sub: 'x' }, rsa.privateKey),
    options: { keySource: inlineRsa },
    expect: [
      ['kid', 'warn', 'missing'],
      ['exp', 'warn', 'missing'],
      ['iat', 'skip', 'missing'],
      ['iss', 'skip', 'missing'],
    ],
  },
  {
    name: 'alg none, alg missing',
    token: `${b64url(JSON.stringify({ alg: 'none' }))}.${b64url(JSON.stringify(idClaims()))}.`,
    options: pinned,
    expect: [
      ['alg', 'fail', 'unsupported'],
      ['key', 'skip', 'depends'],
      ['signature', 'fail', 'depends'],
    ],
  },
  {
    name: 'alg missing',
    token: signRaw(JSON.stringify({ kid: rsa.kid }), JSON.stringify(idClaims()), rsa.privateKey, 'RS256'),
    options: pinned,
    expect: [['alg', 'fail', 'missing']],
  },
  {
    name: 'PS256 where RS256 is expected',
    token: signToken({ kid: rsa.kid, alg: 'PS256' }, idClaims(), rsa.privateKey),
    options: pinned,
    expect: [['alg', 'fail', 'mismatch']],
  },
  {
    name: 'a kid that names no key, a tampered signature',
    token: idToken({}, { kid: 'unknown' }),
    options: pinned,
    expect: [
      ['kid', 'fail', 'mismatch'],
      ['key', 'fail', 'missing'],
    ],
  },
  {
    name: 'two keys share the kid',
    token: idToken(),
    options: {
      ...pinned,
      keySource: { type: 'jwks', jwks: { keys: [rsa.jwk, rsaKey(2048, rsa.kid).jwk] }, label: 'k' },
    },
    expect: [['key', 'fail', 'ambiguous']],
  },
  {
    name: 'the signature does not match',
    token: `${idToken().slice(0, -4)}AAAA`,
    options: pinned,
    expect: [['signature', 'fail', 'mismatch']],
  },
  {
    name: 'access token: wrong client, wrong token_use, no required scope',
    token: accessToken(),
    options: { ...pinned, clientId: 'another', tokenUse: 'id', requiredScopes: ['admin'] },
    expect: [
      ['aud', 'skip', 'not-applicable'],
      ['client_id', 'fail', 'mismatch'],
      ['token_use', 'fail', 'mismatch'],
      ['scope', 'fail', 'mismatch'],
    ],
  },
  {
    name: 'access token without scope or client_id',
    token: accessToken({ scope: undefined, client_id: undefined }),
    options: { ...pinned, requiredScopes: ['admin'] },
    expect: [
      ['client_id', 'fail', 'missing'],
      ['scope', 'fail', 'missing'],
    ],
  },
  {
    name: 'ALB blob without expected ARN or client',
    token: albBlob(ec),
    options: { keySource: inlineEc },
    expect: [
      ['signature', 'pass', undefined],
      ['kid', 'skip', 'not-applicable'],
      ['signer', 'warn', 'not-configured'],
      ['client', 'skip', 'not-configured'],
      ['aud', 'skip', 'not-applicable'],
      ['client_id', 'skip', 'not-applicable'],
    ],
  },
  {
    name: 'ALB blob from another load balancer and client',
    token: albBlob(ec),
    options: { keySource: inlineEc, albArn: `${ALB_ARN}0`, clientId: 'another' },
    expect: [
      ['signer', 'fail', 'mismatch'],
      ['client', 'fail', 'mismatch'],
    ],
  },
  {
    name: 'ALB blob whose kid is not a UUID: refused before any request',
    token: albBlob(ec, { header: { kid: '../etc/passwd' } }),
    keys: failingEndpoint(),
    expect: [
      ['kid', 'fail', 'malformed'],
      ['key', 'skip', 'depends'],
      ['signature', 'skip', 'depends'],
    ],
  },
  {
    name: 'encrypted token (JWE)',
    token: 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d',
    expect: [['format', 'fail', 'unsupported']],
  },
  {
    name: 'two segments',
    token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0',
    expect: [['format', 'fail', 'malformed']],
  },
];

async function run(row: Row): Promise<TokenReport> {
  return inspectToken(row.token, { now: NOW, ...row.options }, { keys: row.keys ?? store });
}

function nonPassWithoutReason(checks: readonly Check[]): Check[] {
  return checks.filter((c) => c.status !== 'pass' && c.reason === undefined);
}

describe('check reasons', () => {
  test('a table of tokens and options gives the expected (id, status, reason) triples', async () => {
    for (const row of ROWS) {
      const report = await run(row);
      for (const [id, status, reason] of row.expect) {
        const found = report.checks.find((c) => c.id === id);
        assert.deepEqual(
          [id, found?.status, found?.reason],
          [id, status, reason],
          `${row.name}: ${JSON.stringify(found)}`,
        );
      }
      assert.deepEqual(nonPassWithoutReason(report.checks), [], row.name);
    }
  });

  test('a check that passes never carries a reason', async () => {
    let passes = 0;
    for (const row of ROWS) {
      for (const c of (await run(row)).checks) {
        if (c.status !== 'pass') continue;
        passes++;
        assert.equal(c.reason, undefined, `${row.name}: ${JSON.stringify(c)}`);
      }
    }
    assert.ok(passes > 50, `only ${passes} passing checks seen`);
  });

  test('an offline key source never calls the endpoint', async () => {
    const endpoint = failingEndpoint();
    const report = await inspectToken(
      idToken(),
      { now: NOW, issuer: ISSUER, allowNetwork: false },
      { keys: endpoint },
    );
    assert.equal(endpoint.calls, 0);
    assert.equal(report.checks.find((c) => c.id === 'key')?.reason, 'not-cached');
  });

  test('decode only: the signature is skipped as not requested', () => {
    const report = decodeReport(idToken(), NOW);
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.status, c.reason]),
      [
        ['format', 'pass', undefined],
        ['signature', 'skip', 'not-requested'],
      ],
    );
  });

  test('header blocks: a differing x-amzn-oidc-identity is a mismatch', async () => {
    const outcome = await inspectInput(
      `x-amzn-oidc-identity: someone-else\nx-amzn-oidc-data: ${albBlob(ec)}\n`,
      { now: NOW, keySource: inlineEc },
      { keys: store },
    );
    assert.ok(outcome.ok);
    const identity = outcome.items[0]?.report.checks.find((c) => c.id === 'identity');
    assert.deepEqual([identity?.status, identity?.reason], ['fail', 'mismatch']);
  });

  test('authdbg inspect --json carries each reason', async () => {
    let out = '';
    const io: CliIo = {
      stdout: (text) => (out += text),
      stderr: (text) => (out += text),
      readStdin: () => Promise.resolve(''),
      readFileBytes: () => Promise.reject(new Error('unused')),
      nowMs: () => NOW * 1000,
      keys: store,
    };
    // An issuer that is not Cognito and no key given: nothing says where the keys are.
    const token = generic({ sub: 'x', exp: NOW - 5, iss: 'https://idp.example.com' });
    const code = await runInspect([token, '--json'], io);
    assert.equal(code, 1, out);
    const parsed = JSON.parse(out) as { checks: Check[] };
    const byId = new Map(parsed.checks.map((c) => [c.id, c]));
    assert.equal(byId.get('key')?.reason, 'no-key-source');
    assert.equal(byId.get('signature')?.reason, 'depends');
    assert.equal(byId.get('exp')?.reason, 'expired');
    assert.equal(byId.get('format')?.reason, undefined);
    assert.deepEqual(nonPassWithoutReason(parsed.checks), []);
  });

  test('property: every non-pass check of many random reports carries a reason', async () => {
    const claim = fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: NOW - 10_000, max: NOW + 10_000 }),
      fc.string({ maxLength: 8 }),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
      fc.constant(ISSUER),
      fc.constant(CLIENT_ID),
    );
    const sources: (KeySource | undefined)[] = [
      inlineRsa,
      inlineEc,
      undefined,
      { type: 'secret', secret: Buffer.from('a'.repeat(40)), label: 's' },
      { type: 'jwks-url', url: 'https://keys.example/jwks.json' },
    ];
    let reports = 0;
    let nonPass = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          kind: fc.constantFrom('id', 'access', 'alb', 'generic'),
          iss: claim,
          aud: claim,
          exp: claim,
          nbf: claim,
          iat: claim,
          token_use: fc.constantFrom(undefined, 'id', 'access', 5),
          scope: fc.constantFrom(undefined, 'a b', ['a'], 3),
          alg: fc.constantFrom('RS256', 'ES256', 'HS256', 'none', undefined, 7),
          kid: fc.constantFrom(rsa.kid, ec.kid, undefined, 'nope', 12),
          source: fc.integer({ min: 0, max: sources.length - 1 }),
          issuer: fc.constantFrom(undefined, ISSUER),
          clientId: fc.constantFrom(undefined, CLIENT_ID),
          tokenUse: fc.constantFrom(undefined, 'id' as const, 'access' as const),
          requiredScopes: fc.constantFrom(undefined, 'a', 'b'),
          albArn: fc.constantFrom(undefined, ALB_ARN),
          allowNetwork: fc.boolean(),
        }),
        async (r) => {
          const overrides = {
            iss: r.iss,
            aud: r.aud,
            exp: r.exp,
            nbf: r.nbf,
            iat: r.iat,
            token_use: r.token_use,
            scope: r.scope,
          };
          // Signed with a real key whatever the header claims, so only the checks decide.
          const header = { kid: r.kid, alg: r.alg };
          const token =
            r.kind === 'alb'
              ? signRaw(
                  JSON.stringify({
                    typ: 'JWT',
                    ...header,
                    client: CLIENT_ID,
                    signer: ALB_ARN,
                    exp: NOW + 120,
                  }),
                  JSON.stringify({ sub: 'x', ...overrides }),
                  ec.privateKey,
                  'ES256',
                  { pad: true },
                )
              : signRaw(
                  JSON.stringify(header),
                  JSON.stringify(
                    r.kind === 'access'
                      ? accessClaims(overrides)
                      : r.kind === 'id'
                        ? idClaims(overrides)
                        : { sub: 'x', ...overrides },
                  ),
                  rsa.privateKey,
                  'RS256',
                );
          const source = sources[r.source];
          const options: VerifyOptions = {
            now: NOW,
            ...(source === undefined ? {} : { keySource: source }),
            issuer: r.issuer,
            clientId: r.clientId,
            tokenUse: r.tokenUse,
            requiredScopes: r.requiredScopes === undefined ? undefined : [r.requiredScopes],
            albArn: r.albArn,
            // The network is never used here: a remote source is answered by a failing stub.
            allowNetwork: r.allowNetwork,
          };
          const report = await inspectToken(token, options, { keys: failingEndpoint() });
          reports++;
          nonPass += report.checks.filter((c) => c.status !== 'pass').length;
          assert.deepEqual(nonPassWithoutReason(report.checks), [], JSON.stringify(r));
          for (const c of report.checks) if (c.status === 'pass') assert.equal(c.reason, undefined);
        },
      ),
      { numRuns: 300, seed: 10 },
    );
    assert.equal(reports, 300);
    assert.ok(nonPass > 1000, `only ${nonPass} non-pass checks seen`);
  });
});
