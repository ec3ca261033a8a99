// Every file of the IaC corpus (test/fixtures/iac, sources in its MANIFEST.md), read into routes and authorizers checked by hand against the file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readInfrastructureFile } from '../../src/core/iac/index.ts';
import type { Warning } from '../../src/core/findings.ts';
import type { AuthorizerConfig, RouteAuthorizerType, SimConfig } from '../../src/core/config/model.ts';

const repoRoot = path.resolve(__dirname, '..', '..');
const corpusDir = path.resolve(repoRoot, 'test', 'fixtures', 'iac');

// A standalone Swagger file whose title is computed is named after the file.
const S16 = '16-openapi-swagger2-lambda-token';

/** [route, api, authorizerType, authorizer, scopes, line] */
type RouteRow = [string, string, RouteAuthorizerType, string | null, string[], number];

interface Case {
  file: string;
  routes: RouteRow[];
  /** Subset of each named authorizer's fields. */
  authorizers: Record<string, Partial<AuthorizerConfig> & { line?: number }>;
  /** Warning ids with how many times each must appear. */
  warnings?: Record<string, number>;
  check?: (config: SimConfig) => void;
}

const cases: Case[] = [
  {
    file: '01-sam-rest-cognito-default.yaml',
    routes: [
      ['POST /placeOrder', 'OrderApi', 'cognito', 'CognitoAuthorizer', [], 387],
      ['GET /listOrders', 'OrderApi', 'cognito', 'CognitoAuthorizer', [], 393],
      // SAM's CORS preflight methods carry the default authorizer (AddDefaultAuthorizerToCorsPreflight defaults to true).
      ['OPTIONS /placeOrder', 'OrderApi', 'cognito', 'CognitoAuthorizer', [], 251],
      ['OPTIONS /listOrders', 'OrderApi', 'cognito', 'CognitoAuthorizer', [], 251],
    ],
    authorizers: {
      CognitoAuthorizer: {
        type: 'cognito',
        userPools: ['${Ref:CognitoUserPool}'],
        identitySource: 'Authorization',
        placeholders: { 'userPools[0]': '${Ref:CognitoUserPool}' },
        line: 255,
      },
    },
    warnings: { 'cognito-no-scopes': 2, 'cors-preflight-authorizer': 1, 'unresolved-value': 1 },
    check: (config) => assert.equal(config.api.stage, 'Prod'),
  },
  {
    file: '02-sam-rest-cognito-scopes.yaml',
    routes: [
      [
        'GET /cognitoauthorizerwithdefaultscopes',
        'MyApiWithCognitoAuth',
        'cognito',
        'MyCognitoAuthWithDefaultScopes',
        ['default.delete', 'default.update'],
        27,
      ],
      [
        'GET /cognitodefaultscopesdefaultauthorizer',
        'MyApiWithCognitoAuth',
        'cognito',
        'MyDefaultCognitoAuth',
        ['default.write', 'default.read'],
        35,
      ],
      ['GET /cognitowithauthnone', 'MyApiWithCognitoAuth', 'none', null, [], 41],
      [
        'GET /cognitodefaultscopesoverwritten',
        'MyApiWithCognitoAuth',
        'cognito',
        'MyDefaultCognitoAuth',
        ['overwritten.read', 'overwritten.write'],
        49,
      ],
      [
        'GET /cognitoauthorizercopesoverwritten',
        'MyApiWithCognitoAuth',
        'cognito',
        'MyCognitoAuthWithDefaultScopes',
        ['overwritten.read', 'overwritten.write'],
        60,
      ],
      // An empty [] override means no scopes (ID tokens only), not "inherit the authorizer's".
      ['GET /cognitodefaultscopesnone', 'MyApiWithCognitoAuth', 'cognito', 'MyDefaultCognitoAuth', [], 71],
      [
        'GET /cognitodefaultauthdefaultscopesnone',
        'MyApiWithCognitoAuth',
        'cognito',
        'MyCognitoAuthWithDefaultScopes',
        [],
        80,
      ],
    ],
    authorizers: {
      MyDefaultCognitoAuth: {
        type: 'cognito',
        userPools: ['arn:aws:1'],
        scopes: ['default.write', 'default.read'],
        line: 9,
      },
      MyCognitoAuthWithDefaultScopes: {
        type: 'cognito',
        userPools: ['arn:aws:2'],
        scopes: ['default.delete', 'default.update'],
        line: 14,
      },
    },
    warnings: { 'cognito-no-scopes': 2, 'user-pool-not-recognized': 2 },
  },
  {
    file: '03-sam-rest-mixed-authorizers.yaml',
    routes: [
      ['GET /none', 'MyApi', 'none', null, [], 59],
      ['GET /cognito', 'MyApi', 'cognito', 'MyCognitoAuthorizer', [], 68],
      ['GET /lambda-token', 'MyApi', 'lambda', 'MyLambdaTokenAuth', [], 75],
      ['GET /lambda-request', 'MyApi', 'lambda', 'MyLambdaRequestAuth', [], 84],
      ['GET /iam', 'MyApi', 'iam', null, [], 93],
    ],
    authorizers: {
      MyCognitoAuthorizer: {
        type: 'cognito',
        userPools: ['${Ref:MyCognitoUserPool}', '${Ref:MyCognitoUserPoolTwo}'],
        identitySource: 'MyAuthorizationHeader',
        validationRegex: 'myauthvalidationexpression',
        line: 13,
      },
      MyLambdaTokenAuth: {
        type: 'lambda',
        lambdaType: 'TOKEN',
        identitySource: 'MyCustomAuthHeader',
        validationRegex: 'allow',
        resultTtlSeconds: 20,
        line: 21,
      },
      MyLambdaRequestAuth: {
        type: 'lambda',
        lambdaType: 'REQUEST',
        identitySource: 'authorizationHeader',
        identitySources: [
          'method.request.header.authorizationHeader',
          'method.request.querystring.authorization',
          'method.request.querystring.authorizationQueryString1',
        ],
        resultTtlSeconds: 0,
        line: 32,
      },
    },
    warnings: { 'cognito-no-scopes': 1, 'lambda-cache-sibling-routes': 0 },
  },
  {
    file: '04-sam-httpapi-jwt-route-scopes.yaml',
    routes: [
      ['GET /', 'HttpApi', 'none', null, [], 45],
      ['GET /simple', 'HttpApi', 'jwt', 'GeneralAuth', ['email'], 58],
      ['GET /admin', 'HttpApi', 'jwt', 'GeneralAuth', ['${Sub:Admins-${Audience}}'], 73],
      ['GET /su', 'HttpApi', 'jwt', 'GeneralAuth', ['${Sub:SU-${Audience}}'], 90],
      [
        'GET /both',
        'HttpApi',
        'jwt',
        'GeneralAuth',
        ['${Sub:Admins-${Audience}}', '${Sub:SU-${Audience}}'],
        107,
      ],
      // The event without ApiId lands on SAM's implicit HTTP API, which has no auth here.
      ['$default', 'ServerlessHttpApi', 'none', null, [], 125],
    ],
    authorizers: {
      GeneralAuth: {
        type: 'jwt',
        issuer: '${Sub:https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPoolId}}',
        audience: ['${Ref:Audience}'],
        identitySource: 'Authorization',
        scopes: ['email'],
        line: 25,
      },
    },
    warnings: { 'unresolved-value': 4 },
    check: (config) => assert.deepEqual(Object.keys(config.apis ?? {}), ['HttpApi', 'ServerlessHttpApi']),
  },
  {
    file: '05-sam-httpapi-implicit-globals.yaml',
    routes: [
      ['POST /defaultauth', 'ServerlessHttpApi', 'jwt', 'oauth2Auth', ['scope4'], 10],
      ['POST /noneauth', 'ServerlessHttpApi', 'none', null, [], 15],
      ['POST /scope3', 'ServerlessHttpApi', 'jwt', 'oauth2Auth', ['scope3'], 22],
      ['POST /oauth2', 'ServerlessHttpApi', 'jwt', 'oauth2Auth', ['scope4'], 30],
      ['$default', 'ServerlessHttpApi', 'jwt', 'oauth2Auth', ['scope4'], 37],
    ],
    authorizers: {
      oauth2Auth: {
        type: 'jwt',
        issuer: 'https://www.example.com/v1/connect/oidc',
        audience: ['MyApi'],
        identitySource: '$request.querystring.param',
        scopes: ['scope4'],
        line: 44,
      },
    },
    warnings: { 'identity-source-not-header': 1 },
  },
  {
    file: '06-sam-httpapi-jwt-and-lambda.yaml',
    routes: [
      ['GET /get', 'MyApi', 'jwt', 'MyOAuth2Auth', ['scope4'], 12],
      ['POST /post', 'MyApi', 'lambda', 'MyLambdaAuth', [], 21],
      ['DEFAULT /default/post', 'MyApi', 'jwt', 'MyOAuth2Auth', ['scope4'], 30],
    ],
    authorizers: {
      MyLambdaAuth: {
        type: 'lambda',
        lambdaType: 'REQUEST',
        identitySource: 'Authorization',
        identitySources: [
          '$request.header.Authorization',
          '$request.querystring.petId',
          '$stageVariables.stageVar',
          '$context.contextVar',
        ],
        resultTtlSeconds: 23,
        payloadFormatVersion: '2.0',
        enableSimpleResponses: true,
        line: 52,
      },
      MyOAuth2Auth: {
        type: 'jwt',
        issuer: 'https://openid-connect.onelogin.com/oidc',
        audience: ['MyApi'],
        scopes: ['scope4'],
        line: 73,
      },
    },
    warnings: { 'unusual-method': 1, 'identity-source-not-header': 1 },
  },
  {
    file: '07-sam-rest-lambda-request.yaml',
    routes: [
      ['GET /{id}', 'MyApi', 'lambda', 'MyLambdaRequestAuthorizer', [], 139],
      ['POST /', 'MyApi', 'lambda', 'MyLambdaRequestAuthorizer', [], 164],
    ],
    authorizers: {
      MyLambdaRequestAuthorizer: {
        type: 'lambda',
        lambdaType: 'REQUEST',
        identitySource: 'x-api-key',
        identitySources: ['method.request.header.x-api-key'],
        resultTtlSeconds: 0,
        line: 19,
      },
    },
    warnings: { 'api-key-required': 1, 'lambda-cache-sibling-routes': 0 },
  },
  {
    file: '08-cfn-rest-lambda-token.yaml',
    routes: [['GET /', 'AppApi', 'lambda', 'LambdaAuthorizerToken', [], 20]],
    authorizers: {
      LambdaAuthorizerToken: {
        type: 'lambda',
        lambdaType: 'TOKEN',
        identitySource: 'authorizationToken',
        resultTtlSeconds: 300,
        line: 34,
      },
    },
    check: (config) => assert.equal(config.api.stage, 'Prod'),
  },
  {
    file: '09-cfn-rest-lambda-request.yaml',
    routes: [['ANY /{api+}', 'ApiGatewayRestApi', 'lambda', 'custom-auth', [], 205]],
    authorizers: {
      'custom-auth': {
        type: 'lambda',
        lambdaType: 'REQUEST',
        identitySource: 'Authorization',
        identitySources: ['method.request.header.Authorization'],
        resultTtlSeconds: 300,
        line: 314,
      },
    },
    warnings: { 'lambda-cache-sibling-routes': 1 },
    check: (config) => assert.equal(config.api.stage, 'dev'),
  },
  {
    file: '10-cfn-rest-cognito-scopes.yaml',
    // Logical id says GET, HttpMethod says POST: the method wins.
    routes: [
      ['POST /', 'Api', 'cognito', 'CognitoAuthorizer', ['petstore-api.example.com/domestic.read'], 167],
    ],
    authorizers: {
      CognitoAuthorizer: {
        type: 'cognito',
        userPools: ['${Ref:MyUserPool}'],
        identitySource: 'Authorization',
        line: 132,
      },
    },
    warnings: { 'cognito-no-scopes': 0 },
    check: (config) => assert.equal(config.api.stage, 'prod'),
  },
  {
    file: '11-cfn-rest-cognito-resources.json',
    routes: [
      ['OPTIONS /test', 'RestApi', 'none', null, [], 1236],
      ['GET /test', 'RestApi', 'cognito', 'CognitoApiAuthorizer', [], 1256],
      ['OPTIONS /jwt', 'RestApi', 'none', null, [], 1391],
      ['GET /jwt', 'RestApi', 'none', null, [], 1411],
    ],
    authorizers: {
      CognitoApiAuthorizer: {
        type: 'cognito',
        userPools: ['${Ref:CognitoUserPool}'],
        identitySource: 'authorization',
        line: 1469,
      },
    },
    warnings: { 'authorizer-ignored': 1, 'cognito-no-scopes': 1 },
    check: (config) => {
      const ignored = config.warnings.find((w) => w.id === 'authorizer-ignored');
      assert.match(ignored?.message ?? '', /literal string "AWS::NoValue"/);
    },
  },
  {
    file: '12-cfn-httpapi-v2-jwt-routes.json',
    routes: [
      ['GET /', 'MyHttpApi8AEAAC21', 'jwt', 'UserPoolAuthorizer', [], 187],
      [
        'ANY /v1/mything/{proxy+}',
        'MyHttpApiWithDefaultAuthorizerE08800A1',
        'jwt',
        'UserPoolDefaultAuthorizer',
        ['scope1', 'scope2'],
        404,
      ],
    ],
    authorizers: {
      UserPoolAuthorizer: {
        type: 'jwt',
        issuer: 'https://cognito-idp.${AWS::Region}.amazonaws.com/${Ref:userpool0AC4AA96}',
        audience: ['${Ref:userpoolUserPoolAuthorizerClient6A7486E8}'],
        identitySource: 'Authorization',
        line: 211,
      },
      UserPoolDefaultAuthorizer: {
        type: 'jwt',
        issuer:
          'https://cognito-idp.${AWS::Region}.amazonaws.com/${Ref:userpoolForDefaultAuthorizerDFBE8E74}',
        audience: ['${Ref:userpoolForDefaultAuthorizerUserPoolAuthorizerClient3AA110E7}'],
        line: 263,
      },
    },
    warnings: { 'unresolved-value': 2 },
    check: (config) => {
      assert.deepEqual(Object.keys(config.apis ?? {}), [
        'MyHttpApi8AEAAC21',
        'MyHttpApiWithDefaultAuthorizerE08800A1',
      ]);
      assert.equal(config.apis?.['MyHttpApi8AEAAC21']?.stage, '$default');
    },
  },
  {
    file: '13-alb-listener-cognito.yaml',
    routes: [['ANY /*', 'LoadBalancer', 'alb', 'Listener', [], 155]],
    authorizers: {
      Listener: {
        type: 'alb',
        albArn: '${Ref:LoadBalancer}',
        clientId: '${Ref:UserPoolClient}',
        userPools: ['${Ref:UserPool}'],
        onUnauthenticatedRequest: 'authenticate',
        authorizationEndpoint:
          'https://${Ref:UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com/oauth2/authorize',
        line: 155,
      },
    },
  },
  {
    file: '14-alb-listener-rule-cognito.json',
    routes: [
      // The rule (priority 1) is evaluated before the listener's default action.
      ['ANY action2*', 'LB8A12904C', 'alb', 'LBListenerAction2RuleDEE172B4', [], 522],
      ['ANY /*', 'LB8A12904C', 'alb', 'LBListener49E825B4', [], 475],
    ],
    authorizers: {
      LBListener49E825B4: {
        type: 'alb',
        albArn: '${Ref:LB8A12904C}',
        clientId: '${Ref:Client4A7F64DF}',
        onUnauthenticatedRequest: 'authenticate',
        authorizationEndpoint:
          'https://z23abc4xyzl05b.auth.${AWS::Region}.amazoncognito.com/oauth2/authorize',
        line: 475,
      },
      LBListenerAction2RuleDEE172B4: { type: 'alb', albArn: '${Ref:LB8A12904C}', line: 522 },
    },
  },
  {
    file: '15-alb-listener-oidc.json',
    routes: [['ANY /*', 'LoadBalancerBE9EEC3A', 'alb', 'LoadBalancerListenerE1A099B9', [], 754]],
    authorizers: {
      LoadBalancerListenerE1A099B9: {
        type: 'alb',
        albArn: '${Ref:LoadBalancerBE9EEC3A}',
        clientId: '${Ref:UserPoolUserPoolClient40176907}',
        issuer: 'https://cognito-idp.${AWS::Region}.amazonaws.com/${Ref:UserPool6BA7E5F2}',
        authorizationEndpoint:
          'https://z23abc4xyzl05b.auth.${AWS::Region}.amazoncognito.com/oauth2/authorize',
        onUnauthenticatedRequest: 'authenticate',
        line: 754,
      },
    },
  },
  {
    file: '16-openapi-swagger2-lambda-token.yaml',
    routes: [
      ['GET /locations', S16, 'lambda', 'LambdaAuthorizer', [], 14],
      ['PUT /locations', S16, 'lambda', 'LambdaAuthorizer', [], 25],
      ['GET /locations/{locationid}', S16, 'lambda', 'LambdaAuthorizer', [], 45],
      ['DELETE /locations/{locationid}', S16, 'lambda', 'LambdaAuthorizer', [], 56],
      ['GET /locations/{locationid}/resources', S16, 'lambda', 'LambdaAuthorizer', [], 68],
      ['PUT /locations/{locationid}/resources', S16, 'lambda', 'LambdaAuthorizer', [], 79],
      ['GET /locations/{locationid}/resources/{resourceid}', S16, 'lambda', 'LambdaAuthorizer', [], 99],
      ['DELETE /locations/{locationid}/resources/{resourceid}', S16, 'lambda', 'LambdaAuthorizer', [], 110],
      [
        'GET /locations/{locationid}/resources/{resourceid}/bookings',
        S16,
        'lambda',
        'LambdaAuthorizer',
        [],
        122,
      ],
      ['GET /users/{userid}/bookings', S16, 'lambda', 'LambdaAuthorizer', [], 134],
      ['PUT /users/{userid}/bookings', S16, 'lambda', 'LambdaAuthorizer', [], 145],
      ['GET /users/{userid}/bookings/{bookingid}', S16, 'lambda', 'LambdaAuthorizer', [], 165],
      ['DELETE /users/{userid}/bookings/{bookingid}', S16, 'lambda', 'LambdaAuthorizer', [], 176],
    ],
    authorizers: {
      LambdaAuthorizer: {
        type: 'lambda',
        lambdaType: 'TOKEN',
        identitySource: 'Authorization',
        resultTtlSeconds: 300,
        line: 257,
      },
    },
    warnings: { 'basepath-ignored': 1, 'lambda-cache-sibling-routes': 1 },
    check: (config) => {
      // basePath /Prod is the stage (API Gateway ignores basePath on import by default), not a path prefix.
      assert.equal(config.api.stage, 'Prod');
      assert.equal(config.api.kind, 'rest');
    },
  },
  {
    file: '17-openapi3-cognito.json',
    routes: [
      ['POST /order', 'SampleApiGatewayLambda', 'cognito', 'cognito-authorizer', [], 14],
      ['GET /order/{orderId}', 'SampleApiGatewayLambda', 'cognito', 'cognito-authorizer', [], 51],
      ['PUT /order/{orderId}', 'SampleApiGatewayLambda', 'cognito', 'cognito-authorizer', [], 87],
      ['DELETE /order/{orderId}', 'SampleApiGatewayLambda', 'cognito', 'cognito-authorizer', [], 136],
      ['POST /orders/search', 'SampleApiGatewayLambda', 'cognito', 'cognito-authorizer', [], 167],
    ],
    authorizers: {
      'cognito-authorizer': {
        type: 'cognito',
        userPools: ['${userPoolId}'],
        identitySource: 'Authorization',
        placeholders: { 'userPools[0]': '${userPoolId}' },
        line: 222,
      },
    },
    warnings: { 'cognito-no-scopes': 5, 'user-pool-not-recognized': 0 },
  },
  {
    file: '18-sam-httpapi-openapi-jwt-scopes.yaml',
    routes: [
      ['POST /basic', 'MyApi', 'jwt', 'OpenIdAuth', ['scope3'], 64],
      ['GET /get/{something}/with/{params}', 'MyApi', 'none', null, [], 76],
      ['POST /integration', 'MyApi', 'jwt', 'OpenIdAuth', ['scope1', 'scope2'], 82],
      ['$default', 'MyApi', 'jwt', 'OpenIdAuth', ['scope1', 'scope2'], 95],
      ['POST /oauth2', 'MyApi', 'jwt', 'oauth2Auth', ['scope4'], 103],
    ],
    authorizers: {
      oauth2Auth: {
        type: 'jwt',
        issuer: 'https://www.example.com/v1/connect/oidc',
        audience: ['MyApi'],
        identitySource: '$request.querystring.param',
        line: 117,
      },
      OpenIdAuth: {
        type: 'jwt',
        issuer: 'https://www.example.com/v1/connect/oidc',
        audience: ['MyApi'],
        identitySource: '$request.querystring.param',
        line: 126,
      },
    },
    warnings: { 'identity-source-not-header': 2 },
    check: (config) => assert.equal(config.api.kind, 'http'),
  },
];

describe('IaC corpus', () => {
  it('has all 18 files', () => {
    assert.ok(existsSync(corpusDir), `corpus not found at ${corpusDir}`);
    assert.equal(cases.length, 18);
  });

  for (const testCase of cases) {
    it(testCase.file, () => {
      const text = readFileSync(path.join(corpusDir, testCase.file), 'utf8');
      const { config, warnings } = readInfrastructureFile(testCase.file, text);
      assert.ok(config, 'a configuration is read');
      assert.equal(warnings, config.warnings);
      assert.equal(config.file, testCase.file);

      const actual = config.routes.map((r): RouteRow => [
        r.route,
        r.api ?? '',
        r.authorizerType,
        r.authorizer,
        r.scopes,
        r.source?.line ?? 0,
      ]);
      assert.deepEqual(actual, testCase.routes);
      for (const route of config.routes) {
        assert.equal(route.source?.file, testCase.file);
        assert.equal(route.route, route.method === '$default' ? '$default' : `${route.method} ${route.path}`);
        assert.equal(route.apiKind, config.apis?.[route.api ?? '']?.kind ?? config.api.kind);
        if (route.authorizer !== null)
          assert.equal(config.authorizers[route.authorizer]?.type, route.authorizerType);
      }

      assert.deepEqual(Object.keys(config.authorizers).sort(), Object.keys(testCase.authorizers).sort());
      for (const [name, expected] of Object.entries(testCase.authorizers)) {
        const actualAuth: AuthorizerConfig | undefined = config.authorizers[name];
        assert.ok(actualAuth, `authorizer ${name}`);
        const { line, ...fields } = expected;
        for (const [key, value] of Object.entries(fields)) {
          assert.deepEqual(actualAuth[key as keyof AuthorizerConfig], value, `${name}.${key}`);
        }
        if (line !== undefined) assert.equal(actualAuth.source?.line, line, `${name} line`);
        assert.equal(actualAuth.name, name);
      }

      for (const [id, count] of Object.entries(testCase.warnings ?? {})) {
        const found: Warning[] = config.warnings.filter((w) => w.id === id);
        assert.equal(found.length, count, `${id}: ${found.map((w) => w.message).join(' | ')}`);
      }
      testCase.check?.(config);
    });
  }
});
