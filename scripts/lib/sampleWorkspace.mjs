// Builds the sample workspace (config, requests, SAM template, tokens, README) against a running cognito-local and
// ALB key endpoint, plus the list of outcomes the sample promises (the playground's --check runs them).
import fs from 'node:fs';
import path from 'node:path';
import { ensureTools } from '../tools.mjs';
import { startCognitoLocal } from './cognitoLocal.mjs';
import { signAlbBlob, signRs256, tamperToken, decodeSegment, startAlbKeyServer } from './sampleTokens.mjs';

/** The playground's users: one per group, with readable passwords (local emulator only). */
export const SAMPLE_USERS = Object.freeze([
  {
    username: 'ada',
    password: 'Ada-Passw0rd',
    groups: ['admin'],
    attributes: { email: 'ada@example.com', 'custom:tenant': 'acme' },
  },
  {
    username: 'sam',
    password: 'Sam-Passw0rd',
    groups: ['support'],
    attributes: { email: 'sam@example.com', 'custom:tenant': 'acme' },
  },
  {
    username: 'rita',
    password: 'Rita-Passw0rd',
    groups: ['readers'],
    attributes: { email: 'rita@example.com', 'custom:tenant': 'globex' },
  },
]);

export const SAMPLE_GROUPS = Object.freeze(['admin', 'support', 'readers']);

/** Fixed coordinates for method ARNs and the ALB (fake account; nothing here reaches AWS). */
export const SAMPLE_API = Object.freeze({
  region: 'us-east-1',
  accountId: '123456789012',
  apiId: 'a1b2c3d4e5',
  stage: 'prod',
});
export const SAMPLE_ALB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/playground-alb/50dc6c495c0c9188';
export const WRONG_ALB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:210987654321:loadbalancer/app/someone-elses-alb/0123456789abcdef';

/**
 * Seeds pool `name` in a running cognito-local, signs everyone in, and makes every sample token.
 * @param {{cognito: import('./cognitoLocal.mjs').CognitoLocal, keyServer: Awaited<ReturnType<typeof import('./sampleTokens.mjs').startAlbKeyServer>>,
 *   cognitoLocalDir: string, name?: string}} o  cognitoLocalDir: installed package dir (its bundled dev key signs the expired sample)
 */
export async function prepareSampleData({ cognito, keyServer, cognitoLocalDir, name = 'playground' }) {
  const pool = await cognito.seedPool({
    name,
    groups: [...SAMPLE_GROUPS],
    users: SAMPLE_USERS.map((u) => ({ ...u })),
  });
  /** @type {Record<string, string>} */
  const tokens = {};
  for (const u of SAMPLE_USERS) {
    const t = await cognito.initiateAuth({
      clientId: pool.clientId,
      username: u.username,
      password: u.password,
    });
    tokens[`${u.username}.id`] = t.idToken;
    tokens[`${u.username}.access`] = t.accessToken;
  }
  // Expired: ada's ID token re-signed an hour in the past with cognito-local's own (published, dev-only) key.
  const devKey = JSON.parse(
    fs.readFileSync(path.join(cognitoLocalDir, 'lib', 'keys', 'cognitoLocal.private.json'), 'utf8'),
  );
  const [h, p] = tokens['ada.id'].split('.');
  const now = Math.floor(Date.now() / 1000);
  const claims = decodeSegment(p);
  tokens['expired.id'] = signRs256(
    decodeSegment(h),
    { ...claims, auth_time: now - 7200, iat: now - 7200, exp: now - 3600 },
    devKey.pem,
  );
  // Tampered: rita's ID token claiming the admin group; the signature no longer matches.
  tokens['tampered.id'] = tamperToken(tokens['rita.id'], { 'cognito:groups': ['admin'] });

  const blob = (u, signer) =>
    signAlbBlob({
      privateKey: keyServer.privateKey,
      kid: keyServer.kid,
      signer,
      client: pool.clientId,
      iss: pool.issuer,
      claims: {
        sub: pool.users.find((x) => x.username === u.username)?.sub,
        email: u.attributes.email,
        username: u.username,
        'custom:tenant': u.attributes['custom:tenant'],
      },
    });
  const [ada, , rita] = SAMPLE_USERS;
  tokens['alb.ada'] = blob(ada, SAMPLE_ALB_ARN);
  tokens['alb.rita'] = blob(rita, SAMPLE_ALB_ARN);
  tokens['alb.wrong-signer'] = blob(ada, WRONG_ALB_ARN);

  return {
    cognito: {
      endpoint: cognito.endpoint,
      poolId: pool.poolId,
      poolArn: pool.arn,
      clientId: pool.clientId,
      issuer: pool.issuer,
      jwksUrl: pool.jwksUrl,
    },
    alb: { keyUrl: keyServer.baseUrl, kid: keyServer.kid, arn: SAMPLE_ALB_ARN, wrongArn: WRONG_ALB_ARN },
    users: SAMPLE_USERS.map((u) => ({ ...u, sub: pool.users.find((x) => x.username === u.username)?.sub })),
    tokens,
    createdAt: new Date().toISOString(),
  };
}

/** What each sample token does on each request (concrete paths); the README, requests.http and the --check all come from this list. */
export function sampleCases(data) {
  const c = data.cognito;
  const verifyArgs = ['--jwks', c.jwksUrl, '--issuer', c.issuer, '--client-id', c.clientId];
  const albArgs = ['--alb-key-url', data.alb.keyUrl, '--alb-arn', data.alb.arn, '--client-id', c.clientId];
  const S = (route, token, decision, status, why) => ({ route, token, expect: { decision, status }, why });
  return {
    simulate: [
      // REST API, Cognito user pool authorizer
      S('GET /profile', 'ada.id', 'allow', 200, 'ID token on a method without scopes'),
      S(
        'GET /profile',
        'ada.access',
        'deny',
        401,
        'the classic trap: an access token on a method without scopes',
      ),
      S('GET /profile', 'expired.id', 'deny', 401, 'expired token'),
      S('GET /profile', 'tampered.id', 'deny', 401, 'signature does not match (groups edited)'),
      S('GET /profile', null, 'deny', 401, 'no Authorization header'),
      S('GET /account', 'ada.access', 'allow', 200, 'access token with a scope the method lists'),
      S('GET /health', null, 'allow', 200, 'a route without authorizer'),
      S('GET /admin/users', 'ada.id', 'allow', 200, 'admin group'),
      S('GET /admin/users', 'sam.id', 'deny', 403, 'backend RBAC: support is not admin'),
      S('GET /tenants/acme/invoices', 'sam.id', 'allow', 200, 'support group, tenant acme'),
      S('GET /tenants/acme/invoices', 'rita.id', 'deny', 403, 'backend RBAC: wrong group and tenant'),
      // HTTP API, JWT authorizer
      S('GET /v2/orders', 'ada.access', 'allow', 200, 'access token: no aud, so client_id is checked'),
      S('GET /v2/orders', 'rita.id', 'allow', 200, 'ID token: aud is the app client'),
      S('GET /v2/orders', 'expired.id', 'deny', 401, 'expired token'),
      S('POST /v2/orders', 'ada.access', 'deny', 403, 'scope orders/write missing'),
      S('DELETE /v2/orders/42', 'ada.access', 'allow', 200, 'admin group'),
      S('DELETE /v2/orders/42', 'rita.access', 'deny', 403, 'backend RBAC: readers cannot delete'),
      // REST API, Lambda authorizer returning a policy
      S('GET /reports/42', 'ada.id', 'allow', 200, 'policy allows GET /reports/*'),
      S('DELETE /reports/42', 'ada.id', 'deny', 403, 'explicit Deny in the policy'),
      S('POST /reports', 'ada.id', 'deny', 403, 'no statement allows it (implicit deny)'),
      S('GET /reports/42', 'tampered.id', 'deny', 401, 'the token must pass httpJwt first'),
      S('GET /reports/42', null, 'deny', 401, 'missing identity source: the function is not invoked'),
      // ALB authenticate-cognito
      S('GET /app/home', 'alb.ada', 'allow', 200, 'blob signed by the expected ALB'),
      S('GET /app/home', 'alb.wrong-signer', 'deny', 401, 'signer is another load balancer'),
      S('GET /app/home', null, 'deny', 401, 'no session and onUnauthenticatedRequest: deny'),
      S('GET /acme/dashboard', 'alb.ada', 'allow', 200, 'tenant acme'),
      S('GET /acme/dashboard', 'alb.rita', 'deny', 403, 'backend RBAC: tenant globex'),
    ],
    inspect: [
      { token: 'ada.id', args: [...verifyArgs, '--token-use', 'id'], expect: { valid: true } },
      { token: 'ada.access', args: [...verifyArgs, '--token-use', 'access'], expect: { valid: true } },
      {
        token: 'ada.id',
        args: [...verifyArgs, '--token-use', 'access'],
        expect: { valid: false, failed: 'token_use' },
      },
      {
        token: 'expired.id',
        args: [...verifyArgs, '--token-use', 'id'],
        expect: { valid: false, failed: 'exp' },
      },
      {
        token: 'tampered.id',
        args: [...verifyArgs, '--token-use', 'id'],
        expect: { valid: false, failed: 'signature' },
      },
      { token: 'alb.ada', args: albArgs, expect: { valid: true } },
      { token: 'alb.wrong-signer', args: albArgs, expect: { valid: false, failed: 'signer' } },
    ],
    // The same requests against template.yaml, with the key URL the workspace settings give the extension
    // (--jwks here): its HTTP API names cognito-local's issuer, so it answers as authdebug.yaml does. Its REST API
    // names the pool by ARN; API Gateway trusts only the pool's cognito-idp issuer, and the simulator trusts
    // cognito-local's issuer for that pool only because a key URL was given for it (the trace says so).
    simulateTemplate: [
      S('GET /v2/orders', 'ada.access', 'allow', 200, 'access token: no aud, so client_id is checked'),
      S('GET /v2/orders', 'rita.id', 'allow', 200, 'ID token: aud is the app client'),
      S('GET /v2/orders', 'expired.id', 'deny', 401, 'expired token'),
      S('POST /v2/orders', 'ada.access', 'deny', 403, 'scope orders/write missing'),
      S('GET /health', null, 'allow', 200, 'a route without authorizer'),
      S(
        'GET /profile',
        'ada.id',
        'allow',
        200,
        "cognito-local's issuer for the template's pool, key URL given",
      ),
      S('GET /profile', 'ada.access', 'deny', 401, 'access token on a method without scopes'),
    ],
    routes: [
      {
        config: 'template.yaml',
        includes: ['GET /profile', 'GET /account', 'GET /v2/orders', 'POST /v2/orders'],
      },
    ],
  };
}

const q = (v) => JSON.stringify(v);

function authdebugYaml(data) {
  const c = data.cognito;
  const a = SAMPLE_API;
  const arn = (verb, p) =>
    `arn:aws:execute-api:${a.region}:${a.accountId}:${a.apiId}/${a.stage}/${verb}/${p}`;
  return `# Auth Debugger configuration for the playground (generated by \`npm start\`; regenerated on every run).
# The issuer is cognito-local on loopback (http is allowed for loopback only). Its pool id has no region, so the
# authorizers name the issuer and JWKS explicitly instead of \`userPools\`.
version: 1
defaults: { region: ${a.region}, clockSkewSeconds: 0 }
# kind: the REST API the Cognito and Lambda routes live on; the HTTP API and ALB routes say so with apiKind.
api: { kind: rest, region: ${a.region}, accountId: ${q(a.accountId)}, apiId: ${a.apiId}, stage: ${a.stage} }

authorizers:
  # API Gateway REST API, COGNITO_USER_POOLS: ID tokens on methods without scopes, access tokens with scopes.
  restCognito:
    type: cognito
    issuers: [${q(c.issuer)}]
    jwks: ${q(c.jwksUrl)}
    identitySource: Authorization
    clientId: ${q(c.clientId)}

  # API Gateway HTTP API JWT authorizer: aud must be the app client (client_id only when aud is absent).
  httpJwt:
    type: jwt
    issuer: ${q(c.issuer)}
    audience: [${q(c.clientId)}]
    jwks: ${q(c.jwksUrl)}
    identitySource: Authorization

  # A Lambda authorizer, simulated: the token must pass httpJwt, then this policy decides.
  lambdaPolicy:
    type: lambda
    verify: httpJwt
    identitySource: Authorization
    lambdaType: TOKEN
    resultTtlSeconds: 300
    policy:
      Version: "2012-10-17"
      Statement:
        - { Effect: Allow, Action: execute-api:Invoke, Resource: ${q(arn('GET', 'reports/*'))} }
        - { Effect: Deny, Action: execute-api:Invoke, Resource: ${q(arn('DELETE', 'reports/*'))} }
    context: { tenant: acme, plan: gold }

  # ALB listener with authenticate-cognito; the backend verifies x-amzn-oidc-data (key endpoint on loopback).
  albApp:
    type: alb
    albArn: ${q(SAMPLE_ALB_ARN)}
    clientId: ${q(c.clientId)}
    onUnauthenticatedRequest: deny
    keyUrl: ${q(data.alb.keyUrl)}
    # The IdP the authenticate-cognito action names: authdbg gateway verifies the ID token session against it.
    issuer: ${q(c.issuer)}
    jwks: ${q(c.jwksUrl)}

routes:
  # REST API + Cognito
  - route: GET /profile
    authorizer: restCognito
  - route: GET /account
    authorizer: restCognito
    scopes: [aws.cognito.signin.user.admin]
  - route: GET /admin/users
    authorizer: restCognito
    rbac: { groups: [admin] }
  - route: GET /tenants/acme/invoices
    authorizer: restCognito
    rbac: { groups: [admin, support], claims: { "custom:tenant": acme } }
  - route: GET /health
    authorizer: none

  # HTTP API + JWT
  - route: GET /v2/orders
    authorizer: httpJwt
    apiKind: http
  - route: POST /v2/orders
    authorizer: httpJwt
    apiKind: http
    scopes: [orders/write]
  - route: DELETE /v2/orders/{id}
    authorizer: httpJwt
    apiKind: http
    rbac: { groups: [admin] }

  # REST API + Lambda policy
  - route: GET /reports/{id}
    authorizer: lambdaPolicy
  - route: DELETE /reports/{id}
    authorizer: lambdaPolicy
  - route: POST /reports
    authorizer: lambdaPolicy

  # ALB
  - route: GET /app/*
    authorizer: albApp
    apiKind: alb
  - route: GET /acme/*
    authorizer: albApp
    apiKind: alb
    rbac: { claims: { "custom:tenant": acme } }
`;
}

function samTemplate(data) {
  const c = data.cognito;
  return `# A SAM template for the same API: open the Auth Debugger sidebar and pick it, or run
#   node dist/cli.js routes --config template.yaml
# Keys come from cognito-local on loopback (the workspace settings map its issuer to its JWKS URL; the CLI takes
# --jwks), never from AWS. The HTTP API names cognito-local's issuer, so the sample tokens pass there as they do in
# authdebug.yaml. The REST API names the pool by ARN; AWS trusts only that pool's cognito-idp issuer, and the
# simulator accepts cognito-local's issuer for it only because a key URL is given for that issuer (said in the trace).
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: Auth Debugger playground API (never deployed; read by the simulator)

Globals:
  Function:
    Runtime: nodejs20.x
    Handler: index.handler
    InlineCode: "exports.handler = async () => ({ statusCode: 200, body: 'ok' });"

Resources:
  RestApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: PlaygroundCognito
        Authorizers:
          PlaygroundCognito:
            UserPoolArn: ${q(c.poolArn)}
            Identity:
              Header: Authorization

  HttpApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: PlaygroundJwt
        Authorizers:
          PlaygroundJwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: ${q(c.issuer)}
              audience:
                - ${q(c.clientId)}

  ProfileFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Profile:
          Type: Api
          Properties: { RestApiId: !Ref RestApi, Path: /profile, Method: get }
        Account:
          Type: Api
          Properties:
            RestApiId: !Ref RestApi
            Path: /account
            Method: get
            Auth: { AuthorizationScopes: [aws.cognito.signin.user.admin] }
        Health:
          Type: Api
          Properties:
            RestApiId: !Ref RestApi
            Path: /health
            Method: get
            Auth: { Authorizer: NONE }

  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        ListOrders:
          Type: HttpApi
          Properties: { ApiId: !Ref HttpApi, Path: /v2/orders, Method: get }
        CreateOrder:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /v2/orders
            Method: post
            Auth: { AuthorizationScopes: [orders/write] }
`;
}

function requestsHttp(data, cases) {
  const t = data.tokens;
  const rest = `https://${SAMPLE_API.apiId}.execute-api.${SAMPLE_API.region}.amazonaws.com/${SAMPLE_API.stage}`;
  const out = [
    '# Sample requests (REST Client / httpYac syntax). Hover a token to decode it; select one and run',
    '# "Auth Debugger: Decode Token", or "Simulate" it against authdebug.yaml in the sidebar.',
    `# Tokens are fresh from cognito-local (generated ${data.createdAt}); they expire 24 h later.`,
    '# The hosts are placeholders: nothing here is deployed. The expected outcome is written above each request.',
    '',
    `@rest = ${rest}`,
    `@http = https://q1w2e3r4t5.execute-api.${SAMPLE_API.region}.amazonaws.com`,
    '@alb = https://playground-alb.example.com',
    '',
  ];
  for (const s of cases.simulate) {
    const [method, p] = s.route.split(' ');
    const host = p.startsWith('/v2/')
      ? '{{http}}'
      : s.token?.startsWith('alb.') || /^\/(app|acme)\//.test(p)
        ? '{{alb}}'
        : '{{rest}}';
    out.push(`### ${s.route} with ${s.token ?? 'no token'} -> ${s.expect.status} (${s.why})`);
    out.push(`${method} ${host}${p}`);
    if (s.token?.startsWith('alb.')) out.push(`x-amzn-oidc-data: ${t[s.token]}`);
    else if (s.token && p.startsWith('/v2/')) out.push(`Authorization: Bearer ${t[s.token]}`);
    else if (s.token) out.push(`Authorization: ${t[s.token]}`);
    out.push('');
  }
  return out.join('\n');
}

function readme(data, cases, repoDir, dir) {
  const c = data.cognito;
  // Terminal examples run from the repository (dist/cli.js); files are named relative to it when possible.
  const rel = repoDir ? path.relative(repoDir, dir) || '.' : dir;
  const ws = (f) => (rel.startsWith('..') || path.isAbsolute(rel) ? path.join(dir, f) : path.join(rel, f));
  const users = data.users
    .map(
      (u) =>
        `| \`${u.username}\` | \`${u.password}\` | ${u.groups.join(', ')} | ${u.attributes['custom:tenant']} | ${u.attributes.email} |`,
    )
    .join('\n');
  const sim = cases.simulate
    .map(
      (s) =>
        `| \`${s.route}\` | ${s.token ? `\`tokens/${s.token}.jwt\`` : '(none)'} | **${s.expect.status}** ${s.expect.decision} | ${s.why} |`,
    )
    .join('\n');
  return `# Auth Debugger playground

Generated by \`npm start\` at ${data.createdAt}. Everything runs on this machine: a local VS Code (code-server),
cognito-local (a Cognito emulator) at ${c.endpoint}, and a stand-in ALB key endpoint at ${data.alb.keyUrl}.
Files here are regenerated on each run; tokens expire after 24 h (run \`npm start\` again for fresh ones).

## What to try first
1. Open \`requests.http\` and hover any \`Authorization:\` line: the token's kind, groups, expiry and signature (a hover never fetches keys: the signature shows as verified once step 2 has fetched them).
2. Select a token and run **Auth Debugger: Decode Token** (F1): the Token Inspector shows every check.
3. Open the **Auth Debugger** sidebar, paste a token, pick a route from \`authdebug.yaml\` and see what API Gateway
   or the ALB would answer, with the step that decided.
4. Try the failures: \`tokens/expired.id.jwt\`, \`tokens/tampered.id.jwt\` (groups edited), an access token on
   \`GET /profile\` (the classic 401 trap) and \`tokens/alb.wrong-signer.jwt\` (another load balancer's blob).

## User pool "playground"
- Pool id \`${c.poolId}\`, app client \`${c.clientId}\` (USER_PASSWORD_AUTH enabled)
- Issuer \`${c.issuer}\`, JWKS \`${c.jwksUrl}\`

| user | password | groups | custom:tenant | email |
| --- | --- | --- | --- | --- |
${users}

Sign in yourself (cognito-local speaks Cognito's API):

\`\`\`sh
curl -s ${c.endpoint}/ -H 'content-type: application/x-amz-json-1.1' \\
  -H 'x-amz-target: AWSCognitoIdentityProviderService.InitiateAuth' \\
  -d '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"${c.clientId}","AuthParameters":{"USERNAME":"ada","PASSWORD":"Ada-Passw0rd"}}'
\`\`\`

cognito-local is not Cognito: one RSA key (kid \`CognitoLocal\`) signs ID and access tokens, there is no
\`origin_jti\`, the issuer is http on loopback, pool ids have no region, and its discovery document points at
localhost:9229 (the config names the JWKS URL instead).

## What the sample promises (\`npm start -- --check\` verifies every row)

| route | token | outcome | why |
| --- | --- | --- | --- |
${sim}

## From a terminal

\`\`\`sh
node dist/cli.js inspect "$(cat ${ws('tokens/ada.id.jwt')})" --jwks ${c.jwksUrl} --issuer ${c.issuer} --client-id ${c.clientId} --token-use id
node dist/cli.js simulate --config ${ws('authdebug.yaml')} --route "GET /profile" "$(cat ${ws('tokens/ada.access.jwt')})"
node dist/cli.js inspect "$(cat ${ws('tokens/alb.ada.jwt')})" --alb-key-url ${data.alb.keyUrl} --alb-arn ${data.alb.arn}
node dist/cli.js routes --config ${ws('template.yaml')}
\`\`\`

## Files
- \`authdebug.yaml\`: REST Cognito, HTTP JWT, Lambda policy and ALB authorizers with routes for allow, 401 and 403.
- \`requests.http\`: one request per row above, with fresh tokens in the headers.
- \`template.yaml\`: the same API as a SAM template (the simulator imports it). It accepts the sample tokens as
  \`authdebug.yaml\` does: its REST API names the pool by ARN, and cognito-local's issuer counts as that pool's
  because the workspace settings give its key URL (the trace marks this as local emulation, not AWS behaviour).
- \`tokens/\`: every sample token, one per file. The ALB blobs (\`alb.*.jwt\`) are \`=\`-padded like real ones.
`;
}

/**
 * The extension's settings for the sample: cognito-local's issuer is not a Cognito URL, so its JWKS URL is
 * named here, and the ALB blobs get their expected ARN and the local key endpoint.
 * @param {Awaited<ReturnType<typeof prepareSampleData>>} data
 */
function workspaceSettings(data) {
  const c = data.cognito;
  const settings = {
    'authDebugger.jwksUrls': { [c.issuer]: c.jwksUrl },
    'authDebugger.expectedClientIds': [c.clientId],
    'authDebugger.albArn': data.alb.arn,
    'authDebugger.albKeyUrl': data.alb.keyUrl,
  };
  return `${JSON.stringify(settings, null, 2)}\n`;
}

/**
 * Writes the sample workspace into `dir` (our files are overwritten; other files are left alone).
 * @param {string} dir
 * @param {Awaited<ReturnType<typeof prepareSampleData>>} data
 * @param {{repoDir?: string}} [opts] repoDir: where `node dist/cli.js` runs, for the README's terminal examples
 * @returns {{dir: string, files: string[], cases: ReturnType<typeof sampleCases>}}
 */
export function writeSampleWorkspace(dir, data, opts = {}) {
  const cases = sampleCases(data);
  fs.mkdirSync(path.join(dir, 'tokens'), { recursive: true });
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  const files = {
    'authdebug.yaml': authdebugYaml(data),
    'requests.http': requestsHttp(data, cases),
    'template.yaml': samTemplate(data),
    'README.md': readme(data, cases, opts.repoDir, dir),
    [path.join('.vscode', 'settings.json')]: workspaceSettings(data),
  };
  for (const [name, token] of Object.entries(data.tokens))
    files[path.join('tokens', `${name}.jwt`)] = `${token}\n`;
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, files: Object.keys(files), cases };
}

/**
 * One call for UI tests: starts cognito-local and the ALB key endpoint, seeds the pool, writes the workspace into
 * `dir`; `stop()` stops both servers (the files stay). Why: tests get the playground's data without the editor.
 * @param {{dir: string, log?: (m: string) => void, repoDir?: string}} o
 */
export async function startSampleEnvironment({ dir, log = () => {}, repoDir }) {
  const tools = await ensureTools({ log, only: ['cognitoLocal'] });
  const cognito = await startCognitoLocal({ log });
  let keyServer;
  try {
    keyServer = await startAlbKeyServer();
    const data = await prepareSampleData({ cognito, keyServer, cognitoLocalDir: tools.cognitoLocalDir });
    fs.mkdirSync(dir, { recursive: true });
    const written = writeSampleWorkspace(dir, data, { repoDir });
    const ks = keyServer;
    return {
      ...written,
      data,
      cognito,
      keyServer: ks,
      stop: async () => void (await Promise.all([cognito.stop(), ks.stop()])),
    };
  } catch (e) {
    await Promise.all([cognito.stop(), keyServer?.stop()]);
    throw e;
  }
}
