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
