// "Create Sample Config": a commented authdebug.yaml showing every authorizer kind and RBAC rules.

/** Name of the file the command writes at the root of the first workspace folder. */
export const SAMPLE_CONFIG_NAME = 'authdebug.yaml';

/** The sample: valid as written; replace the pool ids, client ids and ARNs with yours. */
export const SAMPLE_CONFIG = `# Auth Debugger simulator configuration: routes, their authorizers and the backend's RBAC rules.
# The Authorizer Simulator in the sidebar reads this file (and SAM, CloudFormation and OpenAPI files).
version: 1
defaults:
  region: us-east-1
  clockSkewSeconds: 0
# The REST API the Cognito and Lambda routes live on (its coordinates build method ARNs for Lambda policies).
# Routes on an HTTP API say so with apiKind: http.
api:
  kind: rest
  region: us-east-1
  accountId: "123456789012"
  apiId: a1b2c3d4e5
  stage: prod

authorizers:
  # API Gateway REST COGNITO_USER_POOLS: ID token on methods without scopes, access token when scopes are set.
  pool:
    type: cognito
    userPools: [us-east-1_AbC123]
    identitySource: Authorization
  # HTTP API JWT authorizer: issuer and audience (client ids), RS256 only.
  httpJwt:
    type: jwt
    issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123
    audience: [1example23456789]
  # A Lambda authorizer simulated as "verify with the pool, then return this policy".
  rbacLambda:
    type: lambda
    verify: pool
    resultTtlSeconds: 300
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: execute-api:Invoke
          Resource: arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/reports/*

routes:
  - route: GET /orders/{id}
    authorizer: pool
    rbac: { groups: [admin, support] }
  - route: POST /orders
    authorizer: pool
    scopes: [orders/write]
  - route: GET /profile
    authorizer: httpJwt
    apiKind: http
    scopes: [openid, profile]
  - route: GET /reports/{proxy+}
    authorizer: rbacLambda
  - route: GET /health
    authorizer: none
`;
