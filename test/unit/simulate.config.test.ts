// authdebug.yaml / authdebug.json: strict reading, errors that name file, line and key, traps as warnings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfigFile } from '../../src/core/config/configFile.ts';
import { isAuthdebugFile, loadConfig } from '../../src/core/iac/loadConfig.ts';

const FIXTURES = join(__dirname, '..', 'fixtures', 'simulate');

function errorsOf(text: string, file = 'authdebug.yaml'): string[] {
  const result = parseConfigFile(file, text);
  assert.ok(!result.ok, 'expected errors');
  return result.errors;
}

const HEAD = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1, stage: prod }
`;

void describe('authdebug.yaml: a complete file', () => {
  const text = readFileSync(join(FIXTURES, 'authdebug.yaml'), 'utf8');
  const result = parseConfigFile('authdebug.yaml', text);
  void it('reads every authorizer kind and route', () => {
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    const { config } = result;
    assert.deepEqual(Object.keys(config.authorizers), ['api', 'httpJwt', 'custom', 'web']);
    assert.equal(config.authorizers.api?.type, 'cognito');
    assert.deepEqual(config.authorizers.api?.userPools, ['us-east-1_AbC123xyz']);
    assert.equal(config.authorizers.custom?.resultTtlSeconds, 300);
    assert.equal(config.routes.length, 5);
    const first = config.routes[0];
    assert.equal(first?.method, 'GET');
    assert.equal(first?.path, '/orders/{id}');
    assert.deepEqual(first?.rbac, { groups: ['admin', 'support'], claims: { 'custom:tenant': 'acme' } });
    assert.deepEqual(first?.source, { file: 'authdebug.yaml', line: 31 });
    assert.equal(config.routes[3]?.authorizerType, 'none');
    assert.equal(config.routes[3]?.authorizer, null);
    assert.equal(config.routes[4]?.path, '/admin/*');
    assert.equal(config.api.accountId, '123456789012');
  });
  void it('flags the traps: Cognito without scopes, cached ${methodArn} policy on {proxy+}', () => {
    assert.ok(result.ok);
    const ids = result.config.warnings.map((w) => w.id);
    assert.ok(ids.includes('cognito-no-scopes'));
    assert.ok(ids.includes('lambda-cache-proxy'));
    assert.match(
      result.config.warnings.find((w) => w.id === 'cognito-no-scopes')?.message ?? '',
      /^authdebug\.yaml:31: GET \/orders\/\{id\}/,
    );
  });
});

void describe('authdebug.json', () => {
  void it('is read by the same parser with exact lines', () => {
    const text = readFileSync(join(FIXTURES, 'authdebug.json'), 'utf8');
    const result = loadConfig('authdebug.json', text);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    assert.equal(result.config.api.kind, 'http');
    assert.equal(result.config.routes[1]?.method, '$default');
    assert.equal(result.config.routes[0]?.source?.line, 18);
  });
  void it('reports JSON errors with their line', () => {
    const errors = errorsOf('{\n  "version": 1,\n  "routes": [],\n  "bogus": true\n}\n', 'authdebug.json');
    assert.deepEqual(errors, [
      'authdebug.json:4: bogus is not a known key (expected one of version, defaults, api, authorizers, routes)',
    ]);
  });
});

void describe('errors name the file, the line and the key', () => {
  const cases: { name: string; text: string; expected: string | RegExp }[] = [
    {
      name: 'bad authorizer type',
      text: `${HEAD}authorizers:\n  api:\n    type: cognitoo\n    userPools: [us-east-1_A1]\nroutes: []\n`,
      expected: 'authdebug.yaml:5: authorizers.api.type must be one of cognito, jwt, lambda, alb',
    },
    {
      name: 'unknown key',
      text: `${HEAD}authorizers:\n  api:\n    type: cognito\n    userPool: [us-east-1_A1]\nroutes: []\n`,
      expected: /^authdebug\.yaml:6: authorizers\.api\.userPool is not a known key/,
    },
    {
      name: 'key of another authorizer kind',
      text: `${HEAD}authorizers:\n  api:\n    type: cognito\n    userPools: [us-east-1_A1]\n    albArn: x\nroutes: []\n`,
      expected: /^authdebug\.yaml:7: authorizers\.api\.albArn is not a known key/,
    },
    {
      name: 'missing version',
      text: 'routes: []\n',
      expected: 'authdebug.yaml:1: version is required (version: 1)',
    },
    {
      name: 'wrong version',
      text: 'version: 2\nroutes: []\n',
      expected: 'authdebug.yaml:1: version must be 1',
    },
    {
      name: 'account id as a number',
      text: 'version: 1\napi: { accountId: 123456789012, apiId: a, stage: p }\nroutes: []\n',
      expected: 'authdebug.yaml:2: api.accountId must be a string (quote it)',
    },
    {
      name: 'bad pool id',
      text: `${HEAD}authorizers:\n  api: { type: cognito, userPools: [AbC123] }\nroutes: []\n`,
      expected: /^authdebug\.yaml:4: authorizers\.api\.userPools\[0\] must be a user pool id/,
    },
    {
      name: 'jwt without audience',
      text: `${HEAD}authorizers:\n  j:\n    type: jwt\n    issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_A1\nroutes: []\n`,
      expected: /^authdebug\.yaml:4: authorizers\.j\.audience is required/,
    },
    {
      name: 'foreign issuer without jwks',
      text: `${HEAD}authorizers:\n  j: { type: jwt, issuer: "https://auth.example.com/", audience: [a] }\nroutes: []\n`,
      expected:
        /^authdebug\.yaml:4: authorizers\.j\.jwks is required: https:\/\/auth\.example\.com\/ is not a Cognito user pool issuer/,
    },
    {
      name: 'http jwks off loopback',
      text: `${HEAD}authorizers:\n  j: { type: jwt, issuer: "https://auth.example.com", audience: [a], jwks: "http://auth.example.com/jwks" }\nroutes: []\n`,
      expected: /^authdebug\.yaml:4: authorizers\.j\.jwks must be an https URL/,
    },
    {
      name: 'lambda without policy or verify',
      text: `${HEAD}authorizers:\n  l:\n    type: lambda\nroutes: []\n`,
      expected: /^authdebug\.yaml:4: authorizers\.l needs policy .* or verify/,
    },
    {
      name: 'ttl out of range',
      text: `${HEAD}authorizers:\n  l: { type: lambda, policy: {}, resultTtlSeconds: 4000 }\nroutes: []\n`,
      expected: 'authdebug.yaml:4: authorizers.l.resultTtlSeconds must be an integer from 0 to 3600',
    },
    {
      name: 'verify naming a lambda',
      text: `${HEAD}authorizers:\n  l: { type: lambda, verify: m, policy: {} }\n  m: { type: lambda, policy: {} }\nroutes: []\n`,
      expected: /^authdebug\.yaml:4: authorizers\.l\.verify must name a cognito or jwt authorizer/,
    },
    {
      name: 'alb without ARN',
      text: `${HEAD}authorizers:\n  w: { type: alb }\nroutes: []\n`,
      expected: /^authdebug\.yaml:4: authorizers\.w\.albArn is required/,
    },
    {
      name: 'bad onUnauthenticatedRequest',
      text: `${HEAD}authorizers:\n  w:\n    type: alb\n    albArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/0a\n    onUnauthenticatedRequest: redirect\nroutes: []\n`,
      expected:
        'authdebug.yaml:7: authorizers.w.onUnauthenticatedRequest must be one of authenticate, deny, allow',
    },
    {
      name: 'undefined authorizer in a route',
      text: `${HEAD}routes:\n  - route: GET /a\n    authorizer: missing\n`,
      expected: /^authdebug\.yaml:5: routes\[0\]\.authorizer "missing" is not defined under authorizers/,
    },
    {
      name: 'bad route method',
      text: `${HEAD}routes:\n  - route: FETCH /a\n    authorizer: none\n`,
      expected: /^authdebug\.yaml:4: routes\[0\]\.route method must be one of/,
    },
    {
      name: '{proxy+} not last',
      text: `${HEAD}routes:\n  - { route: "GET /{proxy+}/x", authorizer: none }\n`,
      expected: 'authdebug.yaml:4: routes[0].route {proxy+} must be the last segment',
    },
    {
      name: 'ALB wildcard on an API Gateway route',
      text: `${HEAD}routes:\n  - { route: "GET /a/*", authorizer: none }\n`,
      expected: /^authdebug\.yaml:4: routes\[0\]\.route \* and \? are ALB path patterns/,
    },
    {
      name: 'duplicate route',
      text: `${HEAD}routes:\n  - { route: GET /a, authorizer: none }\n  - { route: GET /a, authorizer: none }\n`,
      expected: 'authdebug.yaml:5: routes[1].route "GET /a" duplicates routes[0]',
    },
    {
      name: 'unknown rbac key',
      text: `${HEAD}routes:\n  - route: GET /a\n    authorizer: none\n    rbac:\n      role: [x]\n`,
      expected: /^authdebug\.yaml:7: routes\[0\]\.rbac\.role is not a known key/,
    },
    {
      name: 'rbac claim value not a string',
      text: `${HEAD}routes:\n  - route: GET /a\n    authorizer: none\n    rbac: { claims: { level: 3 } }\n`,
      expected: 'authdebug.yaml:6: routes[0].rbac.claims.level must be a string (quote it)',
    },
    {
      name: 'duplicate key (YAML syntax)',
      text: `${HEAD}routes: []\nroutes: []\n`,
      expected: /^authdebug\.yaml:4: Map keys must be unique/,
    },
    {
      name: 'broken YAML',
      text: 'version: 1\nroutes: [\n',
      expected: /^authdebug\.yaml:\d+: /,
    },
    {
      name: 'bad validation regex',
      text: `${HEAD}authorizers:\n  api: { type: cognito, userPools: [us-east-1_A1], validationRegex: "([" }\nroutes: []\n`,
      expected:
        /^authdebug\.yaml:4: authorizers\.api\.validationRegex is not a valid regular expression: missing closing \]/,
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const errors = errorsOf(c.text);
      const first = errors[0] ?? '';
      if (typeof c.expected === 'string') assert.equal(first, c.expected, errors.join('\n'));
      else assert.match(first, c.expected, errors.join('\n'));
    });
  }
  void it('reports every error, not only the first', () => {
    const errors = errorsOf(
      `${HEAD}authorizers:\n  a: { type: jwt }\nroutes:\n  - { route: GET /x, authorizer: b }\n`,
    );
    assert.ok(errors.length >= 3, errors.join('\n'));
  });
});

void describe('other settings', () => {
  void it('identitySource accepts the AWS forms; scopes default to the authorizer scopes; explicit [] overrides', () => {
    const result = parseConfigFile(
      'authdebug.yaml',
      `${HEAD}authorizers:\n  api: { type: cognito, userPools: [us-east-1_A1], identitySource: method.request.header.X-Token, scopes: [a/read] }\nroutes:\n  - { route: GET /a, authorizer: api }\n  - { route: GET /b, authorizer: api, scopes: [] }\n`,
    );
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    assert.equal(result.config.authorizers.api?.identitySource, 'X-Token');
    assert.deepEqual(result.config.routes[0]?.scopes, ['a/read']);
    assert.deepEqual(result.config.routes[1]?.scopes, []);
  });
  void it('scopes on a Lambda route are flagged as ignored', () => {
    const result = parseConfigFile(
      'authdebug.yaml',
      `${HEAD}authorizers:\n  l: { type: lambda, policy: {}, resultTtlSeconds: 0 }\nroutes:\n  - { route: GET /a, authorizer: l, scopes: [x] }\n`,
    );
    assert.ok(result.ok);
    assert.ok(result.config.warnings.some((w) => w.id === 'lambda-scopes-ignored'));
  });
  void it('dispatches by file name', () => {
    assert.equal(isAuthdebugFile('/x/y/authdebug.yaml'), true);
    assert.equal(isAuthdebugFile('authdebug.json'), true);
    assert.equal(isAuthdebugFile('template.yaml'), false);
  });
  void it('infrastructure files go to the IaC reader', () => {
    const text = readFileSync(
      join(__dirname, '..', 'fixtures', 'iac', '02-sam-rest-cognito-scopes.yaml'),
      'utf8',
    );
    const result = loadConfig('template.yaml', text);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    assert.ok(result.config.routes.length > 0);
  });
});
