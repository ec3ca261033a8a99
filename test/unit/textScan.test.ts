// Text helpers stay linear on hostile strings: each is fed ~100k characters shaped to make a backtracking regex
// quadratic, with generous time limits (a quadratic scan of these inputs takes seconds to minutes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { parsePem } from '../../src/core/keys/jwks.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import { parseConfigFile } from '../../src/core/config/configFile.ts';
import { matchRoute } from '../../src/core/simulate/routeMatch.ts';
import { pemBlocks, trimTrailingSlashes } from '../../src/core/textScan.ts';
import { CLIENT_ID, NOW, idClaims, publicPem, rsaKey, signToken } from '../support/tokens.ts';

const LIMIT_MS = 2000;

function timed<T>(label: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  const elapsed = performance.now() - started;
  assert.ok(elapsed < LIMIT_MS, `${label}: ${Math.round(elapsed)} ms`);
  return result;
}

async function timedAsync<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const elapsed = performance.now() - started;
  assert.ok(elapsed < LIMIT_MS, `${label}: ${Math.round(elapsed)} ms`);
  return result;
}

/** The regex the PEM scanner replaces: the reference on small inputs. */
const PEM_REGEX = /-----BEGIN ([A-Z0-9 ]{1,40})-----([\s\S]*?)-----END \1-----/g;

void describe('trimTrailingSlashes', () => {
  void it('trims the trailing run only', () => {
    assert.equal(trimTrailingSlashes('https://a.example/x///'), 'https://a.example/x');
    assert.equal(trimTrailingSlashes('///'), '');
    assert.equal(trimTrailingSlashes('/a/b'), '/a/b');
    assert.equal(trimTrailingSlashes(''), '');
  });

  void it('100k slashes followed by another character and a slash', () => {
    const hostile = `${'/'.repeat(100_000)}x/`;
    assert.equal(
      timed('trim', () => trimTrailingSlashes(hostile)),
      hostile.slice(0, -1),
    );
  });

  void it('matchRoute on a 100k-slash path', () => {
    const config = {
      api: {},
      authorizers: {},
      routes: [{ route: 'GET /x', method: 'GET', path: '/x', authorizer: 'none', scopes: [] }],
    } as unknown as Parameters<typeof matchRoute>[0];
    const result = timed('matchRoute', () => matchRoute(config, 'GET', `${'/'.repeat(100_000)}x/`));
    assert.equal(result.ok, false);
  });
});

void describe('pemBlocks', () => {
  void it('finds what the backtracking regex finds', () => {
    const piece = fc.constantFrom(
      '-----BEGIN A-----',
      '-----END A-----',
      '-----BEGIN PUBLIC KEY-----',
      '-----END PUBLIC KEY-----',
      '-----BEGIN ',
      '-----END ',
      '-----',
      'A',
      ' ',
      'x',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        const expected = [...text.matchAll(PEM_REGEX)].map((m) => ({ type: m[1] ?? '', text: m[0] }));
        assert.deepEqual(pemBlocks(text), expected, JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });

  void it('256 KiB (the key-endpoint body cap) of unclosed BEGIN lines', () => {
    const hostile = '-----BEGIN PUBLIC KEY-----\n'.repeat(9700);
    assert.ok(hostile.length > 256_000);
    assert.deepEqual(
      timed('pemBlocks', () => pemBlocks(hostile)),
      [],
    );
    const result = timed('parsePem', () => parsePem(hostile, 'hostile.pem'));
    assert.equal(result.ok, false);
  });

  void it('a real public key behind 100 KB of noise is still found', () => {
    const key = rsaKey();
    const text = `${'-----BEGIN CERTIFICATE-----\n'.repeat(4000)}${publicPem(key)}`;
    const result = timed('parsePem', () => parsePem(text, 'noisy.pem'));
    assert.ok(result.ok, result.ok ? '' : result.error.message);
  });
});

void describe('issuer comparison', () => {
  void it('a 45k-character iss of slashes is compared in linear time', async () => {
    const key = rsaKey();
    const iss = `${'/'.repeat(45_000)}x/`;
    const token = signToken({ kid: key.kid, alg: 'RS256' }, idClaims({ iss }), key.privateKey);
    const report = await timedAsync('inspect', () =>
      inspectToken(
        token,
        {
          now: NOW,
          keySource: { type: 'jwks', jwks: { keys: [key.jwk] }, label: 'test' },
          issuer: `${'/'.repeat(45_000)}y/`,
          clientId: CLIENT_ID,
        },
        { keys: createKeyStore({ httpGet: createHttpGet(), now: () => Date.now(), timeoutMs: 2000 }) },
      ),
    );
    assert.equal(report.checks.find((c) => c.id === 'iss')?.status, 'fail');
  });
});

void describe('config file helpers', () => {
  void it('a route path of 100k "{" does not hang the lambda-cache trap check', () => {
    const text = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1, stage: prod }
authorizers:
  fn: { type: lambda, policy: { principalId: u, policyDocument: { Statement: [{ Effect: Allow, Action: "*", Resource: "\${methodArn}" }] } } }
routes:
  - { route: "GET /${'{'.repeat(100_000)}", authorizer: fn }
`;
    const result = timed('parseConfigFile', () => parseConfigFile('authdebug.yaml', text));
    assert.equal(typeof result.ok, 'boolean');
  });

  void it('a keyUrl ending in 100k slashes after a character', () => {
    const text = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1, stage: prod }
authorizers:
  alb: { type: alb, albArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0123456789abcdef", keyUrl: "https://k.example/${'/'.repeat(100_000)}x/" }
routes: []
`;
    const result = timed('parseConfigFile', () => parseConfigFile('authdebug.yaml', text));
    assert.equal(typeof result.ok, 'boolean');
  });
});
