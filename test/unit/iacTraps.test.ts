// One trap, one id, one wording: authdebug.yaml and an infrastructure template name the same trap the same way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigFile } from '../../src/core/config/configFile.ts';
import type { Warning } from '../../src/core/findings.ts';
import { readInfrastructureFile } from '../../src/core/iac/index.ts';

const YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1, stage: prod }
authorizers:
  Pool:
    type: cognito
    userPools: [us-east-1_AbC123xyz]
  Fn:
    type: lambda
    policy: { Version: "2012-10-17", Statement: [] }
routes:
  - route: GET /orders
    authorizer: Pool
  - route: GET /reports
    authorizer: Fn
    scopes: [orders/read]
`;

const SAM = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        Authorizers:
          Pool: { UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123xyz }
          Fn: { FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:auth }
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Orders: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /orders, Method: get, Auth: { Authorizer: Pool } } }
        Reports: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /reports, Method: get, Auth: { Authorizer: Fn, AuthorizationScopes: [orders/read] } } }
`;

function yamlWarnings(): Warning[] {
  const result = parseConfigFile('authdebug.yaml', YAML);
  assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  return result.config.warnings;
}

function samWarnings(): Warning[] {
  const { config } = readInfrastructureFile('template.yaml', SAM);
  assert.ok(config, 'a configuration is read');
  return config.warnings;
}

/** The message without its `file:line: subject: ` head, which the source carries as data. */
function body(w: Warning): string {
  const s = w.source;
  assert.ok(s?.file !== undefined && s.line !== undefined && s.route !== undefined, JSON.stringify(w));
  const head = `${s.file}:${s.line}: ${s.route}${s.api ? ` on ${s.api}` : ''}: `;
  assert.ok(w.message.startsWith(head), `${w.message} starts with ${head}`);
  return w.message.slice(head.length);
}

function only(warnings: Warning[], id: string): Warning {
  const found = warnings.filter((w) => w.id === id);
  assert.equal(found.length, 1, `${id}: ${warnings.map((w) => w.id).join(', ')}`);
  const [first] = found;
  assert.ok(first);
  return first;
}

void describe('traps: the same id and message shape from authdebug.yaml and a SAM template', () => {
  for (const id of ['cognito-no-scopes', 'lambda-scopes-ignored']) {
    void it(id, () => {
      const fromYaml = only(yamlWarnings(), id);
      const fromSam = only(samWarnings(), id);
      assert.equal(body(fromYaml), body(fromSam));
      assert.equal(fromYaml.source?.file, 'authdebug.yaml');
      assert.equal(fromSam.source?.file, 'template.yaml');
      assert.equal(fromYaml.source?.route, fromSam.source?.route);
      assert.equal(fromYaml.source?.authorizer, fromSam.source?.authorizer);
      assert.equal(fromSam.source?.api, 'Api');
    });
  }

  void it('the Cognito trap names the authorizer and the 401 an access token gets', () => {
    const trap = only(yamlWarnings(), 'cognito-no-scopes');
    assert.match(
      trap.message,
      /^authdebug\.yaml:11: GET \/orders: Cognito authorizer "Pool" .*ID tokens.*401/,
    );
    assert.deepEqual(trap.source, {
      file: 'authdebug.yaml',
      line: 11,
      route: 'GET /orders',
      authorizer: 'Pool',
    });
  });
});

void describe('trap messages quote file text at a bounded length', () => {
  void it('cuts a 400,000-character placeholder and a long scope list, saying how long they were', () => {
    const issuer = '${'.repeat(200_000);
    const template = JSON.stringify({
      Resources: {
        A: {
          Type: 'AWS::ApiGatewayV2::Authorizer',
          Properties: {
            ApiId: 'x',
            AuthorizerType: 'JWT',
            Name: 'n',
            IdentitySource: ['$request.header.Authorization'],
            JwtConfiguration: { Issuer: { 'Fn::Sub': issuer }, Audience: ['a'] },
          },
        },
      },
    });
    const { config } = readInfrastructureFile('template.json', template);
    assert.ok(config);
    const placeholder = config.warnings.find((w) => w.id === 'unresolved-value');
    assert.ok(placeholder, config.warnings.map((w) => w.message).join('\n'));
    assert.ok(placeholder.message.length < 400, `${placeholder.message.length} chars`);
    assert.match(placeholder.message, /…\(400000 chars\)/);

    const scopes = Array.from({ length: 50 }, (_, i) => `s${i}-${'x'.repeat(1000)}`);
    const yaml = `version: 1\nauthorizers:\n  Fn:\n    type: lambda\n    policy: {}\nroutes:\n  - route: GET /a\n    authorizer: Fn\n    scopes: [${scopes.join(', ')}]\n`;
    const result = parseConfigFile('authdebug.yaml', yaml);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    const ignored = result.config.warnings.find((w) => w.id === 'lambda-scopes-ignored');
    assert.ok(ignored);
    assert.ok(ignored.message.length < 2500, `${ignored.message.length} chars`);
    assert.match(ignored.message, /…\(1003 chars\).*…\(40 more\)/);
  });
});

void describe('every warning of a file has one shape and comes in file order', () => {
  void it('reader warnings start with file:line like the traps, and the list is sorted by line', () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        Authorizers:
          Pool: { UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123xyz }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        A: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /a, Method: get, Auth: { Authorizer: Pool } } }
        C: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /c, Method: get, Auth: { Authorizer: valueOf } } }
`;
    const { config } = readInfrastructureFile('template.yaml', template);
    assert.ok(config);
    const unknown = config.warnings.find((w) => w.id === 'unknown-authorizer');
    assert.equal(
      unknown?.message,
      'template.yaml:15: Fn.C: authorizer "valueOf" is not declared in Api\'s Auth.Authorizers; listed as unauthenticated',
    );
    const lines = config.warnings.map((w) => w.source?.line ?? 0);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
    assert.ok(config.warnings.length >= 2, config.warnings.map((w) => w.message).join('\n'));

    const yaml = `version: 1\nauthorizers:\n  Pool: { type: cognito, userPools: [us-east-1_AbC123xyz] }\n  Fn: { type: lambda, policy: {} }\nroutes:\n  - route: GET /a\n    authorizer: Pool\n`;
    const result = parseConfigFile('authdebug.yaml', yaml);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    const messages = result.config.warnings.map((w) => w.message);
    assert.equal(messages.length, 2, messages.join('\n'));
    assert.match(messages[0] ?? '', /^authdebug\.yaml:1: api .* is not set/);
    assert.match(messages[1] ?? '', /^authdebug\.yaml:6: GET \/a: Cognito authorizer/);
  });
});
