// "Create Sample Config" writes a configuration that loads as written, with REST routes simulated as REST.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/core/iac/loadConfig.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import { SAMPLE_CONFIG } from '../../src/vscode/sampleConfig.ts';

/** A concrete path for a route template: `{id}` -> 42, `{proxy+}` -> two segments, `*` -> one. */
function concretePath(template: string): string {
  return template
    .replace(/\{[^}]+\+\}/g, 'q1/summary')
    .replace(/\{[^}]+\}/g, '42')
    .replace(/\*/g, 'home');
}

// Without a token no key is ever needed: any key request is a bug in this test's premise.
const NO_KEYS: KeyProvider = {
  jwks: () => Promise.reject(new Error('no key fetch expected')),
  albKey: () => Promise.reject(new Error('no key fetch expected')),
  peekJwks: () => undefined,
  peekAlbKey: () => undefined,
  clear: () => undefined,
};

void describe('the sample configuration', () => {
  void it('loads without errors and names its API kinds', () => {
    const result = loadConfig('authdebug.yaml', SAMPLE_CONFIG);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    assert.equal(result.config.api?.kind, 'rest');
    const profile = result.config.routes.find((r) => r.route === 'GET /profile');
    assert.equal(profile?.apiKind, 'http');
  });

  void it('simulates every route on the API kind it names (REST unless apiKind says otherwise)', async () => {
    const result = loadConfig('authdebug.yaml', SAMPLE_CONFIG);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    const config = result.config;
    // The sample is written for these kinds; a route added or moved must be listed here on purpose.
    const expected: Record<string, 'rest' | 'http'> = {
      'GET /orders/{id}': 'rest',
      'POST /orders': 'rest',
      'GET /profile': 'http',
      'GET /reports/{proxy+}': 'rest',
      'GET /health': 'rest',
    };
    assert.deepEqual(
      config.routes.map((r) => r.route),
      Object.keys(expected),
    );
    for (const route of config.routes) {
      const request = `${route.method} ${concretePath(route.path)}`;
      const simulated = await simulate({ config, route: request }, { now: 1_700_000_000 }, { keys: NO_KEYS });
      assert.equal(simulated.route?.route, route.route, `${request} matched ${simulated.route?.route}`);
      assert.equal(simulated.route?.apiKind, expected[route.route], `${request} on the wrong API kind`);
      // No token: only the route without an authorizer lets the request through.
      const open = route.authorizerType === 'none';
      assert.equal(simulated.decision, open ? 'allow' : 'deny', request);
      if (!open) assert.equal(simulated.status, 401, `${request}: ${simulated.body}`);
    }
  });
});
