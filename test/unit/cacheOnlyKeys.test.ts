// Issue 10: one "keys from the cache only" mechanism (hover, Restricted Mode, allowNetwork: false), so every
// surface reports the same key check for the same situation; and verification from one decode.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CACHE_ONLY_WHY, cacheOnlyKeys } from '../../src/core/keys/cacheOnly.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import type { Check } from '../../src/core/findings.ts';
import type { SimConfig } from '../../src/core/config/model.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { SimulationResult } from '../../src/core/simulate/result.ts';
import type { TokenReport, VerifyOptions } from '../../src/core/types.ts';
import {
  decodeInput,
  decodeToken,
  inspectDecoded,
  inspectDecodedInput,
  inspectInput,
  inspectToken,
} from '../../src/core/verify/inspect.ts';
import type { DecodedItem } from '../../src/core/verify/inspect.ts';
import { signatureLine } from '../../src/shared/signatureLine.ts';
import { keyAccess, keyProviderFor } from '../../src/vscode/keyAccess.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { ISSUER, NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json" }
routes:
  - { route: GET /orders, authorizer: pool }
`;

let h: Harness;
let config: SimConfig;
let idToken: string;

before(async () => {
  h = await startHarness();
  config = h.config(YAML);
  idToken = await h.idToken();
});
after(() => h.close());

/** A key store of its own (nothing cached), fetching from the harness's loopback server. */
function freshStore(): KeyProvider {
  return createKeyStore({ httpGet: createHttpGet(), now: () => Date.now(), timeoutMs: 2000 });
}

function jwksUrl(): string {
  return `${h.base}/jwks.json`;
}

function inspectorOptions(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return { now: NOW, issuer: ISSUER, keySource: { type: 'jwks-url', url: jwksUrl() }, ...extra };
}

function keyCheck(report: TokenReport): Check | undefined {
  return report.checks.find((c) => c.id === 'key');
}

function simulateWith(keys: KeyProvider, token: string): Promise<SimulationResult> {
  return simulate({ config, route: 'GET /orders', token }, { now: NOW }, { keys });
}

describe('one cache-only mechanism', () => {
  test('the view answers from the cache only and never calls the fetching methods', async () => {
    let fetches = 0;
    const store: KeyProvider = {
      jwks: () => {
        fetches++;
        throw new Error('fetched');
      },
      albKey: () => {
        fetches++;
        throw new Error('fetched');
      },
      peekJwks: () => undefined,
      peekAlbKey: () => undefined,
      clear: () => undefined,
    };
    const view = cacheOnlyKeys(store, 'why not');
    const jwks = await view.jwks('https://keys.example/jwks.json', { kid: 'k', reload: true });
    const alb = await view.albKey('https://public-keys.example', '0f3a0f3a-0f3a-4f3a-8f3a-0f3a0f3a0f3a');
    assert.equal(fetches, 0);
    assert.ok(!jwks.ok && !alb.ok);
    assert.equal(jwks.error.code, 'not-cached');
    assert.equal(jwks.error.message, 'keys from https://keys.example/jwks.json are not cached, and why not');
    assert.equal(alb.error.code, 'not-cached');
    assert.match(alb.error.message, /public-keys\.example\/0f3a0f3a-/);
  });

  test('keyAccess: a hover never fetches, Restricted Mode fetches nowhere, the Inspector fetches when trusted', () => {
    assert.deepEqual(keyAccess('verify', true), { network: true });
    assert.deepEqual(keyAccess('hover', true), { network: false, why: CACHE_ONLY_WHY.hover });
    assert.deepEqual(keyAccess('verify', false), { network: false, why: CACHE_ONLY_WHY.restricted });
    assert.deepEqual(keyAccess('hover', false), { network: false, why: CACHE_ONLY_WHY.restricted });
    const store = freshStore();
    assert.equal(keyProviderFor(store, { network: true }), store);
    assert.notEqual(keyProviderFor(store, keyAccess('verify', false)), store);
  });

  test('Restricted Mode: the Inspector and the simulator report the same skipped key check, fetch nothing', async () => {
    const requestsBefore = h.requests.length;
    const restricted = keyProviderFor(freshStore(), keyAccess('verify', false));
    const inspector = await inspectToken(idToken, inspectorOptions(), { keys: restricted });
    const simulated = await simulateWith(restricted, idToken);

    const key = keyCheck(inspector);
    assert.equal(key?.status, 'skip', 'a key we did not look at is not a failed key');
    assert.equal(key?.reason, 'not-cached');
    assert.match(key?.message ?? '', /Restricted Mode/);
    assert.equal(inspector.checks.find((c) => c.id === 'signature')?.status, 'skip');
    assert.equal(inspector.valid, false, 'never valid without a verified signature');

    const keyStep = simulated.trace.find((s) => s.step === 'token.key');
    assert.deepEqual(keyStep, { step: 'token.key', status: 'skip', message: key?.message });
    assert.equal(simulated.decision, 'deny', 'the simulator never lets an unverified token through');
    assert.equal(simulated.status, 401);
    assert.ok(!simulated.trace.some((s) => s.step === 'token.key' && s.status === 'fail'));
    assert.equal(h.requests.length, requestsBefore, 'nothing was fetched');
  });

  test('allowNetwork: false is the same view: same status and reason, its own why', async () => {
    const requestsBefore = h.requests.length;
    const offline = await inspectToken(idToken, inspectorOptions({ allowNetwork: false }), {
      keys: freshStore(),
    });
    const hover = await inspectToken(idToken, inspectorOptions(), {
      keys: keyProviderFor(freshStore(), keyAccess('hover', true)),
    });
    for (const report of [offline, hover]) {
      assert.equal(keyCheck(report)?.status, 'skip');
      assert.equal(keyCheck(report)?.reason, 'not-cached');
      assert.equal(report.valid, false);
    }
    assert.equal(
      keyCheck(offline)?.message,
      `not checked: keys from ${jwksUrl()} are not cached, and ${CACHE_ONLY_WHY.offline}`,
    );
    assert.equal(
      keyCheck(hover)?.message,
      `not checked: keys from ${jwksUrl()} are not cached, and ${CACHE_ONLY_WHY.hover}`,
    );
    assert.equal(h.requests.length, requestsBefore);
  });

  test('once the keys are cached, every cache-only surface verifies against them', async () => {
    const store = freshStore();
    const warmed = await store.jwks(jwksUrl());
    assert.ok(warmed.ok);
    const requestsAfterWarming = h.requests.length;
    const restricted = keyProviderFor(store, keyAccess('verify', false));
    const inspector = await inspectToken(idToken, inspectorOptions(), { keys: restricted });
    const offline = await inspectToken(idToken, inspectorOptions({ allowNetwork: false }), { keys: store });
    const simulated = await simulateWith(restricted, idToken);
    assert.equal(inspector.valid, true, JSON.stringify(inspector.checks));
    assert.equal(offline.valid, true);
    assert.equal(simulated.decision, 'allow', JSON.stringify(simulated.trace));
    assert.equal(h.requests.length, requestsAfterWarming);
  });

  test('a real failure stays a failure: a kid the cached set lacks fails the key check', async () => {
    const store = freshStore();
    assert.ok((await store.jwks(jwksUrl())).ok);
    const stranger = await h.idToken({}, { kid: 'no-such-kid' });
    const report = await inspectToken(stranger, inspectorOptions(), {
      keys: keyProviderFor(store, keyAccess('verify', false)),
    });
    assert.notEqual(keyCheck(report)?.reason, 'not-cached');
    assert.equal(report.valid, false);
  });
});

describe('the hover signature line switches on data', () => {
  const check = (extra: Partial<Check> & Pick<Check, 'id' | 'status'>): Check => ({ message: 'm', ...extra });

  test('reason not-cached: the key check message, the same words as the Inspector and the simulator', () => {
    const message = 'not checked: keys from https://x/jwks.json are not cached, and nothing is fetched here';
    const line = signatureLine([
      check({ id: 'key', status: 'skip', reason: 'not-cached', message }),
      check({ id: 'signature', status: 'skip', reason: 'depends' }),
    ]);
    assert.deepEqual(line, { state: 'not-checked', text: message, quotesCheck: true, coversKey: true });
  });

  test('message text alone decides nothing', () => {
    const line = signatureLine([
      check({ id: 'key', status: 'pass', message: 'not checked: keys are not cached' }),
      check({ id: 'signature', status: 'fail', message: 'bad signature' }),
    ]);
    assert.equal(line.state, 'failed');
    assert.equal(line.text, '✗ failed: bad signature');
  });

  test('verified, and no usable key', () => {
    assert.equal(signatureLine([check({ id: 'signature', status: 'pass' })]).state, 'verified');
    const noKey = signatureLine([
      check({ id: 'key', status: 'fail', reason: 'no-key-source' }),
      check({ id: 'signature', status: 'skip', reason: 'depends' }),
    ]);
    assert.equal(noKey.state, 'not-checked');
    assert.equal(noKey.coversKey, false, 'the failed key check is still listed');
  });
});

describe('verify from one decode', () => {
  test('inspectDecoded equals inspectToken, and inspectInput equals inspectDecodedInput(decodeInput)', async () => {
    const options = inspectorOptions();
    const deps = { keys: h.keys };
    const fromText = await inspectToken(idToken, options, deps);
    const fromDecode = await inspectDecoded(decodeToken(idToken), options, deps);
    assert.deepEqual(JSON.parse(JSON.stringify(fromDecode)), JSON.parse(JSON.stringify(fromText)));
    assert.equal(fromDecode.valid, true);
    const text = `Authorization: Bearer ${idToken}`;
    const whole = await inspectInput(text, options, deps);
    const split = await inspectDecodedInput(decodeInput(text), options, deps);
    assert.deepEqual(JSON.parse(JSON.stringify(split)), JSON.parse(JSON.stringify(whole)));
  });

  test('per-token options see each decoded token once; a header block still cross-checks the identity', async () => {
    const blob = h.albBlob({ sub: 'user-1' });
    const input = decodeInput(
      `x-amzn-oidc-data: ${blob}\nx-amzn-oidc-identity: someone-else\nauthorization: Bearer ${idToken}`,
    );
    assert.ok(input.ok);
    const seen: DecodedItem[] = [];
    const outcome = await inspectDecodedInput(
      input,
      (item) => {
        seen.push(item);
        return item.decoded.token.kind === 'alb-data'
          ? { now: NOW, keySource: { type: 'alb', baseUrl: `${h.base}/alb` } }
          : inspectorOptions();
      },
      { keys: h.keys },
    );
    assert.deepEqual(seen, input.items, 'each decoded item, once, in order, nothing decoded again');
    assert.ok(outcome.ok);
    assert.deepEqual(
      outcome.items.map((item) => item.found),
      input.items.map((item) => item.found),
    );
    const identity = outcome.items[0]?.report.checks.find((c) => c.id === 'identity');
    assert.equal(identity?.status, 'fail');
    assert.equal(outcome.items[1]?.report.valid, true);
  });
});
