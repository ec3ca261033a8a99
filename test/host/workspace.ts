// Node-side fixtures for the extension-host and UI suites: per-run keys, a loopback key server that counts
// requests, signed tokens, and a workspace folder with files that carry them in every supported shape.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/httpServer.ts';
import type { TestServer } from '../support/httpServer.ts';
import {
  ALB_ARN,
  CLIENT_ID,
  ISSUER,
  POOL_ID,
  accessClaims,
  albBlob,
  ecKey,
  idClaims,
  publicPem,
  rsaKey,
  signToken,
} from '../support/tokens.ts';

/** What the in-editor suites read from `.authdbg-test.json` at the workspace root. */
export interface HostTestConfig {
  mode: 'trusted' | 'restricted';
  /** Origin of the loopback key server; GET /__count answers {"jwks": n, "alb": n}. */
  keyServer: string;
  jwksUrl: string;
  albKeyUrl: string;
  issuer: string;
  clientId: string;
  albArn: string;
  tokens: {
    id: string;
    access: string;
    alb: string;
    /** nbf 60 s in the future: fails without clock skew, passes with 120 s. */
    notYet: string;
    xss: string;
    /** Expired two hours ago (otherwise the ID token). */
    expired: string;
    /** The ID token with its payload changed after signing (cognito:groups), the original signature kept. */
    tampered: string;
    /** cognito-local tokens, when the emulator ran. */
    localId?: string;
  };
  local?: { issuer: string; jwksUrl: string; clientId: string };
}

export interface Fixture {
  dir: string;
  config: HostTestConfig;
  server: TestServer;
  /** Requests the key server received, by endpoint kind. */
  counts(): { jwks: number; alb: number };
  dispose(): Promise<void>;
}

/** Claims that must stay inert text in every surface (security.md items 40 and 41). */
export const XSS_CLAIMS = {
  name: '<img src=x onerror="window.__xssFired=(window.__xssFired||0)+1">',
  'custom:note': '<script>window.__xssFired=(window.__xssFired||0)+1</script>',
  website: 'javascript:window.__xssFired=(window.__xssFired||0)+1',
  nickname: '[open a terminal](command:workbench.action.terminal.new)',
  'custom:bidi': 'admin\u202Egnp.exe\u200B',
  // The hover shows the username: the same disguise where the hover must escape it.
  'cognito:username': 'admin\u202Egnp.exe\u200B',
  '<svg onload="window.__xssFired=1">': 'a claim name that is markup',
  'cognito:groups': ['<b onmouseover="window.__xssFired=1">admin</b>', 'support'],
};

/** Builds the workspace and starts the key server. `mode` picks the suite the runner will run. */
export async function createFixture(
  mode: HostTestConfig['mode'],
  extra: { local?: HostTestConfig['local']; localId?: string } = {},
): Promise<Fixture> {
  const rsa = rsaKey();
  const ec = ecKey();
  const jwks = JSON.stringify({ keys: [rsa.jwk] });
  const pem = publicPem(ec);
  const counts = { jwks: 0, alb: 0 };
  const server = await startServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/jwks.json') {
      counts.jwks++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else if (url === `/alb/${ec.kid}`) {
      counts.alb++;
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pem);
    } else if (url === '/__count') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  const now = Math.floor(Date.now() / 1000);
  const times = { auth_time: now - 60, iat: now - 60, exp: now + 3600 };
  const header = { kid: rsa.kid, alg: 'RS256' };
  const id = signToken(header, idClaims(times), rsa.privateKey);
  const access = signToken(header, accessClaims(times), rsa.privateKey);
  const notYet = signToken(header, idClaims({ ...times, nbf: now + 60 }), rsa.privateKey);
  const xss = signToken(header, idClaims({ ...times, ...XSS_CLAIMS }), rsa.privateKey);
  const expired = signToken(
    header,
    idClaims({ auth_time: now - 10_800, iat: now - 10_800, exp: now - 7200 }),
    rsa.privateKey,
  );
  const tampered = tamperedToken(id);
  const alb = albBlob(ec, { header: { exp: now + 600 }, payload: { exp: now + 600 } });

  const dir = mkdtempSync(join(tmpdir(), 'authdbg-workspace-'));
  const config: HostTestConfig = {
    mode,
    keyServer: server.origin,
    jwksUrl: server.url('/jwks.json'),
    albKeyUrl: server.url('/alb'),
    issuer: ISSUER,
    clientId: CLIENT_ID,
    albArn: ALB_ARN,
    tokens: {
      id,
      access,
      alb,
      notYet,
      xss,
      expired,
      tampered,
      ...(extra.localId === undefined ? {} : { localId: extra.localId }),
    },
    ...(extra.local === undefined ? {} : { local: extra.local }),
  };
  const files: Record<string, string> = {
    '.authdbg-test.json': JSON.stringify(config, null, 2),
    'requests.http': [
      '### Get an order',
      'GET https://api.example.com/orders/1',
      `Authorization: Bearer ${id}`,
      'Accept: application/json',
      '',
      '### Create an order',
      'POST https://api.example.com/orders',
      `Authorization: ${access}`,
      '',
    ].join('\n'),
    'har.json': [
      '{',
      '  "headers": [',
      `    { "name": "Authorization", "value": "Bearer ${access}" }`,
      '  ],',
      `  "Authorization": "Bearer ${id}"`,
      '}',
      '',
    ].join('\n'),
    'call.sh': `curl -s -H 'Authorization: Bearer ${id}' https://api.example.com/orders/1\n`,
    'alb.txt': `x-amzn-oidc-data: ${alb}\nx-amzn-oidc-identity: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n`,
    'notes.txt': [
      'const port = config.server.port;',
      'version 1.2.3 of a.b.c',
      id,
      'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24',
      '',
    ].join('\n'),
    'token.txt': `${id}\n`,
    // Hover verdicts (issue 12): line 0 expired, line 1 tampered.
    'verdicts.txt': `${expired}\n${tampered}\n`,
    'xss.txt': `${xss}\n`,
    'authdebug.yaml': [
      'version: 1',
      'defaults: { region: us-east-1 }',
      'api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }',
      'authorizers:',
      '  pool:',
      '    type: cognito',
      `    userPools: [${POOL_ID}]`,
      `    jwks: ${server.url('/jwks.json')}`,
      'routes:',
      '  - route: GET /orders/{id}',
      '    authorizer: pool',
      '    rbac: { groups: [admin] }',
      '  - route: POST /orders',
      '    authorizer: pool',
      '    scopes: [orders/write]',
      '  - route: GET /reports',
      '    authorizer: pool',
      '    rbac: { groups: [finance] }',
      '',
    ].join('\n'),
  };
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return {
    dir,
    config,
    server,
    counts: () => ({ ...counts }),
    dispose: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The token with `cognito:groups` changed in its payload and the original signature kept. */
function tamperedToken(token: string): string {
  const [head = '', payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  claims['cognito:groups'] = ['admin', 'finance'];
  return `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}
