// Lambda authorizer output evaluated against method ARNs: wildcards, explicit Deny, implicit deny, malformed output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateAuthorizerOutput,
  methodArn,
  resolvePolicyPlaceholders,
  stringifyContext,
  wildcardMatch,
} from '../../src/core/simulate/iamPolicy.ts';

const API = { region: 'us-east-1', accountId: '123456789012', apiId: 'a1b2c3d4e5', stage: 'prod' };
const ARN = methodArn(API, 'GET', '/orders/1');
const BASE = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5';

function output(statement: unknown, extra: Record<string, unknown> = {}): unknown {
  return { principalId: 'user-1', policyDocument: { Version: '2012-10-17', Statement: statement }, ...extra };
}

void describe('method ARN', () => {
  void it('is arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}', () => {
    assert.equal(ARN, `${BASE}/prod/GET/orders/1`);
    assert.equal(methodArn(API, 'GET', '/'), `${BASE}/prod/GET/`);
  });
});

void describe('wildcards', () => {
  const cases: [string, string, boolean][] = [
    [`${BASE}/prod/GET/orders/*`, `${BASE}/prod/GET/orders/1/items`, true],
    [`${BASE}/*/GET/*`, `${BASE}/prod/GET/orders/1`, true],
    [`${BASE}/prod/GET/orders/?`, `${BASE}/prod/GET/orders/1`, true],
    [`${BASE}/prod/GET/orders/?`, `${BASE}/prod/GET/orders/12`, false],
    [`${BASE}/prod/POST/*`, `${BASE}/prod/GET/orders/1`, false],
    ['*', `${BASE}/prod/GET/orders/1`, true],
    [`${BASE}/prod/GET/orders.1`, `${BASE}/prod/GET/ordersX1`, false],
  ];
  for (const [pattern, value, expected] of cases) {
    void it(`${pattern} vs ${value.slice(BASE.length)}: ${expected}`, () =>
      assert.equal(wildcardMatch(pattern, value), expected));
  }
});

void describe('policy evaluation', () => {
  const table: { name: string; output: unknown; effect: string }[] = [
    {
      name: 'Allow with Statement array',
      output: output([{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ARN }]),
      effect: 'allow',
    },
    {
      name: 'Allow with Statement object',
      output: output({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ARN }),
      effect: 'allow',
    },
    {
      name: 'Action and Resource arrays',
      output: output([
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 'execute-api:Invoke'],
          Resource: [`${BASE}/prod/POST/*`, `${BASE}/prod/GET/*`],
        },
      ]),
      effect: 'allow',
    },
    {
      name: 'execute-api:*',
      output: output([{ Effect: 'Allow', Action: 'execute-api:*', Resource: '*' }]),
      effect: 'allow',
    },
    {
      name: 'Action *',
      output: output([{ Effect: 'Allow', Action: '*', Resource: `${BASE}/*` }]),
      effect: 'allow',
    },
    {
      name: 'action names are case-insensitive',
      output: output([{ Effect: 'Allow', Action: 'EXECUTE-API:invoke', Resource: '*' }]),
      effect: 'allow',
    },
    {
      name: 'explicit Deny wins over Allow',
      output: output([
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: `${BASE}/prod/GET/orders/*` },
      ]),
      effect: 'explicit-deny',
    },
    {
      name: 'no matching Allow: implicit deny',
      output: output([
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `${BASE}/prod/GET/users/*` },
      ]),
      effect: 'implicit-deny',
    },
    {
      name: 'Allow of another action: implicit deny',
      output: output([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]),
      effect: 'implicit-deny',
    },
    { name: 'empty Statement list: implicit deny', output: output([]), effect: 'implicit-deny' },
    {
      name: 'NotResource excludes the ARN',
      output: output([
        { Effect: 'Allow', Action: 'execute-api:Invoke', NotResource: `${BASE}/prod/GET/orders/*` },
      ]),
      effect: 'implicit-deny',
    },
    {
      name: 'bare policy document',
      output: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }],
      },
      effect: 'allow',
    },
    {
      name: 'Effect in lower case is malformed',
      output: output([{ Effect: 'allow', Action: 'execute-api:Invoke', Resource: '*' }]),
      effect: 'error',
    },
    {
      name: 'no Statement is malformed',
      output: { principalId: 'u', policyDocument: { Version: '2012-10-17' } },
      effect: 'error',
    },
    {
      name: 'no Resource is malformed',
      output: output([{ Effect: 'Allow', Action: 'execute-api:Invoke' }]),
      effect: 'error',
    },
    {
      name: 'Action number is malformed',
      output: output([{ Effect: 'Allow', Action: 5, Resource: '*' }]),
      effect: 'error',
    },
    { name: 'non-object output is malformed', output: 'Allow', effect: 'error' },
    {
      name: 'principalId not a string is malformed',
      output: output([{ Effect: 'Allow', Action: '*', Resource: '*' }], { principalId: 42 }),
      effect: 'error',
    },
    {
      name: 'nested context object is malformed (500)',
      output: output([{ Effect: 'Allow', Action: '*', Resource: '*' }], { context: { user: { id: 1 } } }),
      effect: 'error',
    },
    {
      name: 'context array is malformed (500)',
      output: output([{ Effect: 'Allow', Action: '*', Resource: '*' }], { context: { roles: ['a'] } }),
      effect: 'error',
    },
  ];
  for (const row of table) {
    void it(`${row.name} -> ${row.effect}`, () => {
      assert.equal(evaluateAuthorizerOutput(row.output, ARN, false).effect, row.effect);
    });
  }
  void it('HTTP API simple responses only where allowed', () => {
    assert.equal(evaluateAuthorizerOutput({ isAuthorized: true }, ARN, true).effect, 'allow');
    assert.equal(evaluateAuthorizerOutput({ isAuthorized: false }, ARN, true).effect, 'implicit-deny');
    assert.equal(evaluateAuthorizerOutput({ isAuthorized: true }, ARN, false).effect, 'error');
    assert.equal(evaluateAuthorizerOutput({ isAuthorized: 'yes' }, ARN, true).effect, 'error');
  });
  void it('context values are delivered as strings', () => {
    const ev = evaluateAuthorizerOutput(
      output([{ Effect: 'Allow', Action: '*', Resource: '*' }], { context: { n: 7, b: false, s: 'x' } }),
      ARN,
      false,
    );
    assert.deepEqual(ev.context, { n: '7', b: 'false', s: 'x' });
    assert.equal(ev.principalId, 'user-1');
    assert.deepEqual(stringifyContext({ __proto__x: 1 }), { ok: true, values: { __proto__x: '1' } });
    assert.equal(stringifyContext({ a: null }).ok, false);
  });
  void it('${methodArn} resolves to the ARN of the request that invoked the function', () => {
    const resolved = resolvePolicyPlaceholders({ Statement: [{ Resource: '${methodArn}' }] }, ARN);
    assert.deepEqual(resolved, { Statement: [{ Resource: ARN }] });
  });
});
