// The simulator decodes the token once and passes the decode on; a caller holding a decode hands it over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SimConfig } from '../../src/core/config/model.ts';
import { decodeToken } from '../../src/core/decode.ts';
import type { DecodeResult } from '../../src/core/decode.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { SimulationRequest, SimulationResult } from '../../src/core/simulate/result.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json" }
  regex: { type: cognito, userPools: [${POOL}], validationRegex: "^5m8k", jwks: "{{BASE}}/jwks.json" }
routes:
  - { route: GET /orders, authorizer: pool }
  - { route: GET /checked, authorizer: regex }
`;

let h: Harness;
let config: SimConfig;
before(async () => {
  h = await startHarness();
  config = h.config(YAML);
});
after(() => h.close());

function run(request: Omit<SimulationRequest, 'config'>): Promise<SimulationResult> {
  return simulate({ config, ...request }, { now: NOW }, { keys: h.keys });
}

function withPayload(decoded: DecodeResult, changes: Record<string, string>): DecodeResult {
  const payload = { ...decoded.token.payload, ...changes };
  return { ...decoded, token: { ...decoded.token, payload } };
}

void describe('simulate with an already-decoded token', () => {
  void it('a decode without text decides like the text', async () => {
    const token = await h.idToken();
    const fromText = await run({ route: 'GET /orders', token });
    const fromDecode = await run({ route: 'GET /orders', decoded: decodeToken(token) });
    assert.equal(fromText.decision, 'allow');
    assert.equal(fromDecode.decision, fromText.decision);
    assert.equal(fromDecode.decidedBy, fromText.decidedBy);
    assert.deepEqual(fromDecode.backendContext, fromText.backendContext);
    // Only the identity-source note differs (where the value came from).
    const steps = (r: SimulationResult): string[] =>
      r.trace.filter((s) => s.step !== 'identity-source').map((s) => `${s.status} ${s.step}: ${s.message}`);
    assert.deepEqual(steps(fromDecode), steps(fromText));
  });

  // If any step decoded the text again, these edits of the decode would be invisible.
  void it('the validation expression reads aud from the decode, not from the text', async () => {
    const token = await h.idToken();
    const decoded = withPayload(decodeToken(token), { aud: 'not-the-client' });
    const r = await run({ route: 'GET /checked', token, decoded });
    assert.equal(r.decidedBy, 'validation-regex', JSON.stringify(r.trace));
    const unchanged = await run({ route: 'GET /checked', token, decoded: decodeToken(token) });
    assert.equal(unchanged.decision, 'allow', JSON.stringify(unchanged.trace));
  });

  void it('the issuer and claim checks read the decode, not the text', async () => {
    const token = await h.idToken();
    const decoded = withPayload(decodeToken(token), { iss: 'https://issuer.example.com' });
    const r = await run({ route: 'GET /orders', token, decoded });
    assert.equal(r.decision, 'deny');
    assert.ok(
      r.trace.some((s) => s.step === 'token.iss' && s.status === 'fail'),
      r.trace.map((s) => `${s.status} ${s.step}: ${s.message}`).join('\n'),
    );
  });

  void it('a decode of another token than the one in the text is not used', async () => {
    const token = await h.idToken();
    const other = withPayload(decodeToken(await h.idToken({ sub: 'someone-else' })), { aud: 'x' });
    const r = await run({ route: 'GET /checked', token, decoded: other });
    assert.equal(r.decision, 'allow', JSON.stringify(r.trace));
  });
});
