// Edge cases of the infrastructure reader on small inline templates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksLikeInfrastructure, readInfrastructureFile } from '../../src/core/iac/index.ts';
import type { SimConfig } from '../../src/core/config/model.ts';

function read(text: string, file = 'template.yaml'): SimConfig {
  const { config } = readInfrastructureFile(file, text);
  assert.ok(config, 'expected a configuration');
  return config;
}

function rows(config: SimConfig): string[] {
  return config.routes.map(
    (r) => `${r.route} ${r.api} ${r.authorizerType}:${r.authorizer ?? '-'} [${r.scopes.join(',')}]`,
  );
}

function ids(config: SimConfig): string[] {
  return config.warnings.map((w) => w.id);
}

describe('readInfrastructureFile: not infrastructure', () => {
  const inputs: [string, string][] = [
    ['garbage', '{{{ : ] not yaml ['],
    ['empty', ''],
    ['binary', '\u0000\u0001\u0002\uFFFD'],
    ['a list', '- a\n- b\n'],
    ['other YAML', 'apiVersion: v1\nkind: Service\n'],
    ['JSON scalar', '42'],
  ];
  for (const [name, text] of inputs) {
    it(`${name} gives a warning, no config, no exception`, () => {
      const result = readInfrastructureFile('x.yaml', text);
      assert.equal(result.config, undefined);
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0]?.id ?? '', /^(iac-parse-error|not-infrastructure)$/);
    });
  }

  it('a template without APIs is read with a no-routes warning', () => {
    const config = read('Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n');
    assert.deepEqual(config.routes, []);
    assert.ok(ids(config).includes('no-routes'));
  });

  it('odd shapes inside a template never throw', () => {
    const odd = `
Resources:
  A: 5
  B: { Type: AWS::Serverless::Api, Properties: { Auth: [1, 2], DefinitionBody: !Ref X } }
  C: { Type: AWS::Serverless::Function, Properties: { Events: { E: { Type: Api, Properties: { Path: /x } } } } }
  D: { Type: AWS::ApiGateway::Method, Properties: null }
  E: { Type: AWS::ApiGatewayV2::Route, Properties: { RouteKey: 7, AuthorizationType: JWT } }
  F: { Type: AWS::ElasticLoadBalancingV2::Listener, Properties: { DefaultActions: { Type: forward } } }
  G: { Type: AWS::ElasticLoadBalancingV2::ListenerRule, Properties: { Conditions: 3, Actions: [null] } }
  H: !Foo { Type: AWS::ApiGateway::Authorizer }
  anchor: &a { Type: AWS::ApiGateway::RestApi }
  alias: *a
`;
    const result = readInfrastructureFile('odd.yaml', odd);
    assert.ok(result.config);
    assert.ok(result.warnings.some((w) => w.id === 'event-incomplete'));
  });
});

describe('looksLikeInfrastructure', () => {
  it('accepts templates and OpenAPI, rejects other files', () => {
    assert.equal(looksLikeInfrastructure('AWSTemplateFormatVersion: "2010-09-09"\n'), true);
    assert.equal(looksLikeInfrastructure('# c\nResources:\n  X: {}\n'), true);
    assert.equal(looksLikeInfrastructure('{"Resources":{}}'), true);
    assert.equal(looksLikeInfrastructure('{\n  "openapi": "3.0.1"\n}'), true);
    assert.equal(looksLikeInfrastructure('swagger: "2.0"\n'), true);
    assert.equal(looksLikeInfrastructure('name: build\non: push\n'), false);
    assert.equal(looksLikeInfrastructure('kind: Pod\nspec:\n  Resources:\n    cpu: 1\n'), false);
    assert.equal(looksLikeInfrastructure('{"name": "pkg", "version": "1.0.0"}'), false);
  });
});

describe('SAM semantics', () => {
  it('flags scopes on Lambda-authorized routes and resolves Globals.Api for explicit APIs', () => {
    const config = read(`
Globals:
  Api:
    Auth:
      DefaultAuthorizer: Lambda
      Authorizers:
        Lambda:
          FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:auth
          Identity: { Header: X-Token }
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: { StageName: v1 }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        A: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /a, Method: any, Auth: { AuthorizationScopes: [orders/read] } } }
`);
    assert.deepEqual(rows(config), ['ANY /a Api lambda:Lambda [orders/read]']);
    assert.equal(config.authorizers['Lambda']?.identitySource, 'X-Token');
    assert.equal(config.authorizers['Lambda']?.resultTtlSeconds, 300);
    assert.ok(ids(config).includes('lambda-scopes-ignored'));
  });

  it('names same-named authorizers of different APIs Api.Name, and implicit REST events use Globals', () => {
    const config = read(`
Globals:
  Api:
    Auth:
      DefaultAuthorizer: Cognito
      Authorizers:
        Cognito: { UserPoolArn: "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Abc123", AuthorizationScopes: [a/read] }
Resources:
  First:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Cognito
        Authorizers:
          Cognito: { JwtConfiguration: { issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123", audience: [client] } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        H: { Type: HttpApi, Properties: { ApiId: !Ref First, Path: /h, Method: get } }
        R: { Type: Api, Properties: { Path: /r, Method: post } }
        Iam: { Type: Api, Properties: { Path: /i, Method: get, Auth: { Authorizer: AWS_IAM } } }
        Missing: { Type: Api, Properties: { Path: /m, Method: get, Auth: { Authorizer: Nope } } }
`);
    assert.deepEqual(rows(config), [
      'GET /h First jwt:First.Cognito []',
      'POST /r ServerlessRestApi cognito:ServerlessRestApi.Cognito [a/read]',
      'GET /i ServerlessRestApi iam:- []',
      'GET /m ServerlessRestApi none:- []',
    ]);
    assert.deepEqual(config.authorizers['ServerlessRestApi.Cognito']?.userPools, ['eu-west-1_Abc123']);
    assert.equal(config.defaults.region, 'eu-west-1');
    assert.ok(ids(config).includes('unknown-authorizer'));
  });

  it('merges DefinitionBody operations with events and applies DefaultAuthorizer to operations without security', () => {
    const config = read(`
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Cors: "'*'"
      Auth:
        DefaultAuthorizer: Pool
        AddDefaultAuthorizerToCorsPreflight: false
        Authorizers:
          Pool: { UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Xyz789 }
      DefinitionBody:
        swagger: "2.0"
        paths:
          /open:
            get: { security: [] }
          /scoped:
            get: { security: [{ Pool: [s/read] }] }
          /inherit:
            post: {}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Existing: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /inherit, Method: post } }
        Override: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /scoped, Method: get, Auth: { Authorizer: NONE } } }
        Added: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /added, Method: get } }
`);
    assert.deepEqual(rows(config), [
      'GET /open Api none:- []',
      'GET /scoped Api none:- []',
      'POST /inherit Api cognito:Pool []',
      'GET /added Api cognito:Pool []',
      'OPTIONS /open Api none:- []',
      'OPTIONS /scoped Api none:- []',
      'OPTIONS /inherit Api none:- []',
      'OPTIONS /added Api none:- []',
    ]);
    assert.equal(ids(config).includes('cors-preflight-authorizer'), false);
  });

  it('points at the OpenAPI file when the definition is not inline', () => {
    const config = read(`
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      DefinitionBody:
        Fn::Transform: { Name: AWS::Include, Parameters: { Location: swagger.yaml } }
`);
    assert.ok(ids(config).includes('definition-not-read'));
  });
});

describe('plain CloudFormation', () => {
  it('builds nested resource paths from parents, in JSON', () => {
    const config = read(
      JSON.stringify(
        {
          Resources: {
            Api: { Type: 'AWS::ApiGateway::RestApi' },
            Users: {
              Type: 'AWS::ApiGateway::Resource',
              Properties: {
                RestApiId: { Ref: 'Api' },
                ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
                PathPart: 'users',
              },
            },
            User: {
              Type: 'AWS::ApiGateway::Resource',
              Properties: { RestApiId: { Ref: 'Api' }, ParentId: { Ref: 'Users' }, PathPart: '{id}' },
            },
            Orders: {
              Type: 'AWS::ApiGateway::Resource',
              Properties: { RestApiId: { Ref: 'Api' }, ParentId: { Ref: 'User' }, PathPart: 'orders' },
            },
            Auth: {
              Type: 'AWS::ApiGateway::Authorizer',
              Properties: {
                RestApiId: { Ref: 'Api' },
                Type: 'TOKEN',
                IdentitySource: 'method.request.header.X-Auth',
                IdentityValidationExpression: '^Bearer .+$',
                AuthorizerResultTtlInSeconds: 0,
              },
            },
            Get: {
              Type: 'AWS::ApiGateway::Method',
              Properties: {
                RestApiId: { Ref: 'Api' },
                ResourceId: { Ref: 'Orders' },
                HttpMethod: 'get',
                AuthorizationType: 'CUSTOM',
                AuthorizerId: { Ref: 'Auth' },
              },
            },
            Imported: {
              Type: 'AWS::ApiGateway::Method',
              Properties: {
                RestApiId: { Ref: 'Api' },
                ResourceId: { Ref: 'User' },
                HttpMethod: 'DELETE',
                AuthorizationType: 'COGNITO_USER_POOLS',
                AuthorizerId: { 'Fn::ImportValue': 'shared-authorizer' },
                AuthorizationScopes: ['admin/write'],
              },
            },
            Iam: {
              Type: 'AWS::ApiGateway::Method',
              Properties: {
                RestApiId: { Ref: 'Api' },
                ResourceId: { Ref: 'Users' },
                HttpMethod: 'POST',
                AuthorizationType: 'AWS_IAM',
              },
            },
          },
        },
        null,
        1,
      ),
      'api.json',
    );
    assert.deepEqual(rows(config), [
      'GET /users/{id}/orders Api lambda:Auth []',
      'DELETE /users/{id} Api cognito:${ImportValue:shared-authorizer} [admin/write]',
      'POST /users Api iam:- []',
    ]);
    const auth = config.authorizers['Auth'];
    assert.equal(auth?.identitySource, 'X-Auth');
    assert.equal(auth?.validationRegex, '^Bearer .+$');
    assert.equal(auth?.resultTtlSeconds, 0);
    assert.ok(config.routes.every((r) => (r.source?.line ?? 0) > 1));
    assert.ok(ids(config).includes('unknown-authorizer'));
  });

  it('reads HTTP API v2 routes with Lambda, IAM and $default', () => {
    const config = read(`
Resources:
  Http: { Type: AWS::ApiGatewayV2::Api, Properties: { ProtocolType: HTTP } }
  Ws: { Type: AWS::ApiGatewayV2::Api, Properties: { ProtocolType: WEBSOCKET } }
  Fn:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Http
      Name: fn-auth
      AuthorizerType: REQUEST
      IdentitySource: [$request.header.Authorization, $request.querystring.tenant]
      AuthorizerPayloadFormatVersion: "2.0"
      EnableSimpleResponses: true
      AuthorizerResultTtlInSeconds: 60
  Default: { Type: AWS::ApiGatewayV2::Route, Properties: { ApiId: !Ref Http, RouteKey: $default, AuthorizationType: CUSTOM, AuthorizerId: !Ref Fn } }
  Admin: { Type: AWS::ApiGatewayV2::Route, Properties: { ApiId: !Ref Http, RouteKey: "ANY /admin/{proxy+}", AuthorizationType: AWS_IAM } }
  Connect: { Type: AWS::ApiGatewayV2::Route, Properties: { ApiId: !Ref Ws, RouteKey: $connect } }
`);
    assert.deepEqual(rows(config), ['$default Http lambda:fn-auth []', 'ANY /admin/{proxy+} Http iam:- []']);
    assert.deepEqual(config.authorizers['fn-auth']?.identitySources, [
      '$request.header.Authorization',
      '$request.querystring.tenant',
    ]);
    assert.equal(config.authorizers['fn-auth']?.enableSimpleResponses, true);
    assert.ok(ids(config).includes('websocket-not-simulated'));
  });
});

describe('ALB', () => {
  it('orders rules by priority before the default action, with OIDC deny and method conditions', () => {
    const config = read(`
Resources:
  Lb: { Type: AWS::ElasticLoadBalancingV2::LoadBalancer }
  Https:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Lb
      Protocol: HTTPS
      Port: 443
      DefaultActions: [{ Type: fixed-response, FixedResponseConfig: { StatusCode: "404" } }]
  Low:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Https
      Priority: 20
      Conditions:
        - { Field: path-pattern, Values: [/api/*] }
        - { Field: host-header, HostHeaderConfig: { Values: [example.com] } }
      Actions:
        - Type: authenticate-oidc
          Order: 1
          AuthenticateOidcConfig:
            Issuer: https://idp.example.com
            ClientId: web
            AuthorizationEndpoint: https://idp.example.com/authorize
            OnUnauthenticatedRequest: DENY
        - { Type: forward, Order: 2 }
  High:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Https
      Priority: 5
      Conditions:
        - { Field: path-pattern, PathPatternConfig: { Values: [/health] } }
        - { Field: http-request-method, HttpRequestMethodConfig: { Values: [get, head] } }
      Actions: [{ Type: forward }]
`);
    assert.deepEqual(rows(config), [
      'GET /health Lb none:- []',
      'HEAD /health Lb none:- []',
      'ANY /api/* Lb alb:Low []',
      'ANY /* Lb none:- []',
    ]);
    const low = config.authorizers['Low'];
    assert.equal(low?.onUnauthenticatedRequest, 'deny');
    assert.equal(low?.issuer, 'https://idp.example.com');
    assert.equal(low?.authorizationEndpoint, 'https://idp.example.com/authorize');
    assert.equal(low?.albArn, '${Ref:Lb}');
    assert.ok(ids(config).includes('alb-condition-not-simulated'));
  });
});

describe('OpenAPI', () => {
  it('reads an HTTP API OpenAPI 3 document with jwt, iam, security [] and top-level security', () => {
    const config = read(
      JSON.stringify({
        openapi: '3.0.1',
        info: { title: 'orders' },
        security: [{ jwt: ['orders/read'] }],
        paths: {
          '/orders': { get: {}, post: { security: [{ jwt: ['orders/write'] }] } },
          '/health': { get: { security: [] } },
          '/admin': { 'x-amazon-apigateway-any-method': { security: [{ sigv4: [] }] } },
          $default: { 'x-amazon-apigateway-any-method': { isDefaultRoute: true } },
        },
        components: {
          securitySchemes: {
            jwt: {
              type: 'oauth2',
              'x-amazon-apigateway-authorizer': {
                type: 'jwt',
                identitySource: '$request.header.Authorization',
                jwtConfiguration: {
                  issuer: 'https://cognito-idp.us-west-2.amazonaws.com/us-west-2_Q1w2E3',
                  audience: ['c1'],
                },
              },
            },
            sigv4: {
              type: 'apiKey',
              name: 'Authorization',
              in: 'header',
              'x-amazon-apigateway-authtype': 'awsSigv4',
            },
          },
        },
      }),
      'orders.json',
    );
    assert.deepEqual(rows(config), [
      'GET /orders orders jwt:jwt [orders/read]',
      'POST /orders orders jwt:jwt [orders/write]',
      'GET /health orders none:- []',
      'ANY /admin orders iam:- []',
      '$default orders jwt:jwt [orders/read]',
    ]);
    assert.equal(config.api.kind, 'http');
    assert.equal(config.defaults.region, 'us-west-2');
  });

  it('reads Swagger request authorizers and flags Lambda scopes', () => {
    const config = read(`
swagger: "2.0"
info: { title: pets }
paths:
  /pets/{id}:
    get:
      security: [{ req: [pets/read] }, { api_key: [] }]
securityDefinitions:
  api_key: { type: apiKey, name: x-api-key, in: header }
  req:
    type: apiKey
    name: Unused
    in: header
    x-amazon-apigateway-authtype: custom
    x-amazon-apigateway-authorizer:
      type: request
      identitySource: method.request.header.Auth, method.request.querystring.tenant
      authorizerResultTtlInSeconds: 0
`);
    assert.deepEqual(rows(config), ['GET /pets/{id} pets lambda:req [pets/read]']);
    assert.equal(config.authorizers['req']?.identitySource, 'Auth');
    assert.ok(ids(config).includes('lambda-scopes-ignored'));
    assert.ok(ids(config).includes('api-key-required'));
  });
});

describe('robustness', () => {
  it('stops an alias bomb with a finding (aliases count at their expanded size) and never throws on deep nesting', () => {
    let bomb =
      'Resources:\n  X: { Type: AWS::S3::Bucket }\nBomb:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++)
      bomb += `  a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const started = Date.now();
    const bombed = readInfrastructureFile('bomb.yaml', bomb);
    assert.ok(Date.now() - started < 2000);
    assert.equal(bombed.config, undefined);
    assert.deepEqual(
      bombed.warnings.map((w) => w.id),
      ['iac-too-complex'],
    );
    assert.match(bombed.warnings[0]?.message ?? '', /^bomb\.yaml: not read: .*expanded size/);
    const deep = readInfrastructureFile('deep.json', '['.repeat(5000) + ']'.repeat(5000));
    assert.equal(deep.config, undefined);
    assert.equal(deep.warnings.length, 1);
  });

  it('keeps listeners of one load balancer apart by port and skips redirect-only listeners', () => {
    const config = read(`
Resources:
  Lb: { Type: AWS::ElasticLoadBalancingV2::LoadBalancer }
  Http:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Lb
      Port: 80
      Protocol: HTTP
      DefaultActions: [{ Type: redirect, RedirectConfig: { Protocol: HTTPS, Port: "443" } }]
  Https:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Lb
      Port: 443
      Protocol: HTTPS
      DefaultActions:
        - Type: authenticate-cognito
          AuthenticateCognitoConfig:
            UserPoolArn: arn:aws:cognito-idp:ap-south-1:123456789012:userpool/ap-south-1_Pool1
            UserPoolClientId: client
            UserPoolDomain: login
        - Type: forward
  Nlb:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: { LoadBalancerArn: !Ref Other, Port: 5432, Protocol: TCP, DefaultActions: [{ Type: forward }] }
  Http2:
    Type: AWS::Serverless::HttpApi
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        PathOnly: { Type: HttpApi, Properties: { ApiId: !Ref Http2, Path: /p } }
`);
    assert.deepEqual(rows(config), ['ANY /p Http2 none:- []', 'ANY /* Lb:443 alb:Https []']);
    assert.equal(
      config.authorizers['Https']?.authorizationEndpoint,
      'https://login.auth.ap-south-1.amazoncognito.com/oauth2/authorize',
    );
    assert.deepEqual(config.authorizers['Https']?.userPools, ['ap-south-1_Pool1']);
  });
});
