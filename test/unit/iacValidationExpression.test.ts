// A token validation expression read from a template is compiled when the file is read: an invalid or
// Java-only one is a finding with file:line (the wording of authdebug.yaml's validationRegex), never silent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInfrastructureFile } from '../../src/core/iac/index.ts';
import type { SimConfig } from '../../src/core/config/model.ts';

const POOL_ARN = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_A1';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:auth';

function read(file: string, text: string): SimConfig {
  const { config } = readInfrastructureFile(file, text);
  assert.ok(config, 'expected a configuration');
  return config;
}

function findings(config: SimConfig, id: string): string[] {
  return config.warnings.filter((w) => w.id === id).map((w) => w.message);
}

function regexes(config: SimConfig): (string | undefined)[] {
  return Object.values(config.authorizers).map((a) => a.validationRegex);
}

const samTemplate = (authorizer: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Gate
        Authorizers:
          Gate:
${authorizer}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Get:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /r, Method: get }
`;

const cfnTemplate = (expression: string): string => `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: api }
  Gate:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref Api
      Type: COGNITO_USER_POOLS
      IdentitySource: method.request.header.Authorization
      IdentityValidationExpression: ${JSON.stringify(expression)}
      ProviderARNs: [${POOL_ARN}]
`;

const openApiDocument = (expression: string): string => `openapi: 3.0.1
info: { title: api }
paths:
  /r:
    get:
      security: [{ Gate: [] }]
components:
  securitySchemes:
    Gate:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: ${FUNCTION_ARN}
        identityValidationExpression: ${JSON.stringify(expression)}
`;

void describe('IdentityValidationExpression in templates', () => {
  void it('SAM Cognito authorizer: an invalid expression is a finding at file:line and is kept', () => {
    const config = read(
      'template.yaml',
      samTemplate(
        `            UserPoolArn: ${POOL_ARN}\n            Identity:\n              ValidationExpression: "a{2,1}"`,
      ),
    );
    const [message, ...more] = findings(config, 'validation-regex-invalid');
    assert.equal(more.length, 0);
    assert.match(
      message ?? '',
      /^template\.yaml:13: Api: authorizer "Gate" Identity\.ValidationExpression is not a valid regular expression: invalid repeat count/,
    );
    // Kept so the simulator gives its configuration verdict (API Gateway refuses the authorizer).
    assert.deepEqual(regexes(config), ['a{2,1}']);
  });

  void it('SAM TOKEN authorizer: a Java-only expression is kept with a warning naming the feature', () => {
    const config = read(
      'template.yaml',
      samTemplate(
        `            FunctionArn: ${FUNCTION_ARN}\n            Identity:\n              Header: Authorization\n              ValidationExpression: "^(?=Bearer )"`,
      ),
    );
    const [message] = findings(config, 'validation-regex-unsupported');
    assert.match(
      message ?? '',
      /^template\.yaml:14: .*ValidationExpression cannot be evaluated by the simulator: uses lookahead/,
    );
    assert.deepEqual(regexes(config), ['^(?=Bearer )']);
  });

  void it('CloudFormation authorizer: invalid and unsupported expressions at their line', () => {
    const invalid = read('cfn.yaml', cfnTemplate('(['));
    assert.match(
      findings(invalid, 'validation-regex-invalid')[0] ?? '',
      /^cfn\.yaml:11: Gate IdentityValidationExpression is not a valid regular expression/,
    );
    const unsupported = read('cfn.yaml', cfnTemplate('^(a)\\1$'));
    assert.match(
      findings(unsupported, 'validation-regex-unsupported')[0] ?? '',
      /^cfn\.yaml:11: Gate IdentityValidationExpression cannot be evaluated by the simulator: uses backreference \\1/,
    );
  });

  void it('OpenAPI token authorizer: an invalid expression is a finding at file:line', () => {
    const config = read('openapi.yaml', openApiDocument('a**'));
    assert.match(
      findings(config, 'validation-regex-invalid')[0] ?? '',
      /^openapi\.yaml:17: api: security scheme "Gate" identityValidationExpression is not a valid regular expression/,
    );
    assert.deepEqual(regexes(config), ['a**']);
  });

  void it('a valid expression, or a parameter not yet resolved, gives no finding', () => {
    for (const config of [
      read('cfn.yaml', cfnTemplate('^[a-z0-9]{26}$')),
      read('openapi.yaml', openApiDocument('^Bearer [-0-9a-zA-Z._]*$')),
      read(
        'cfn.yaml',
        cfnTemplate('x').replace(
          'IdentityValidationExpression: "x"',
          'IdentityValidationExpression: !Ref Pattern',
        ),
      ),
    ]) {
      const ids = config.warnings.map((w) => w.id);
      assert.ok(!ids.some((id) => id.startsWith('validation-regex')), ids.join(', '));
    }
  });

  void it('a nested-quantifier expression is read in linear time', () => {
    const started = performance.now();
    const config = read('cfn.yaml', cfnTemplate(`^(${'(a+)+'.repeat(50)})$`));
    assert.equal(findings(config, 'validation-regex-invalid').length, 0);
    assert.ok(performance.now() - started < 3000, `${performance.now() - started} ms`);
  });
});
