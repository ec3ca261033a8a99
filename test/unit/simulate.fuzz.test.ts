// Hostile input never escapes as an exception: random configs, request lines, tokens and what-if edits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfigFile } from '../../src/core/config/configFile.ts';
import type { SimConfig } from '../../src/core/config/model.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json", validationRegex: "^5m" }
  fn: { type: lambda, policy: { principalId: u, policyDocument: { Statement: [{ Effect: Allow, Action: "*", Resource: "\${methodArn}" }] } } }
routes:
  - { route: "GET /orders/{id}", authorizer: pool, rbac: { groups: [admin], claims: { "custom:tenant": acme } } }
  - { route: "ANY /{proxy+}", authorizer: fn }
`;

let h: Harness;
let config: SimConfig;
let valid: string;
before(async () => {
  h = await startHarness();
  config = h.config(YAML);
  valid = await h.idToken();
});
after(() => h.close());

void describe('fuzz', () => {
  void it('parseConfigFile returns data for any text, including mutations of a valid file', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(fc.nat(YAML.length), fc.string()).map(([at, s]) => YAML.slice(0, at) + s + YAML.slice(at)),
        ),
        (text) => {
          const result = parseConfigFile('authdebug.yaml', text);
          assert.equal(typeof result.ok, 'boolean');
          if (!result.ok) for (const e of result.errors) assert.match(e, /^authdebug\.yaml:\d+: /);
        },
      ),
      { numRuns: 400 },
    );
  });
  void it('simulate returns a result for random routes, tokens and edits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant('GET /orders/1'), fc.constant('POST /x/y'), fc.string({ maxLength: 40 })),
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.nat(400).map((at) => valid.slice(0, at) + valid.slice(at + 1)),
          fc.constant(valid),
          fc.constant(undefined),
        ),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
        async (route, token, set) => {
          const request: Parameters<typeof simulate>[0] = {
            config,
            route,
            whatIf: { set, addGroups: ['__proto__'] },
          };
          if (token !== undefined) request.token = token;
          const r = await simulate(request, { now: NOW }, { keys: h.keys });
          // The decision agrees with what the client and the backend see: allow reaches the backend with
          // 200 and no body of AWS's own; deny answers from AWS and the backend receives nothing.
          const reply = {
            decision: r.decision,
            status: r.status,
            body: r.body,
            backend: r.backendContext !== null,
          };
          if (r.decision === 'allow')
            assert.deepEqual(reply, { decision: 'allow', status: 200, body: '', backend: true });
          else {
            assert.equal(r.decision, 'deny');
            assert.ok(r.status >= 300 && r.status <= 599, JSON.stringify(reply));
            assert.equal(r.backendContext, null);
          }
          assert.ok(r.trace.length > 0);
          assert.equal(({} as Record<string, unknown>).polluted, undefined);
        },
      ),
      { numRuns: 200 },
    );
  });
});
