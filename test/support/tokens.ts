// Real keys generated per run and hand-built tokens (including hostile ones) for tests.
import { createHmac, createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public JWK with kid, alg and use, as a JWKS publishes it. */
  jwk: Record<string, unknown>;
}

/** An RSA key pair with a Cognito-looking kid. */
export function rsaKey(bits = 2048, kid = `${randomUUID()}=`): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}

/** An EC P-256 key pair with a UUID kid (as the ALB uses). */
export function ecKey(kid: string = randomUUID()): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' },
  };
}

export function b64url(data: string | Uint8Array, pad = false): string {
  const text = Buffer.from(data).toString('base64url');
  return pad ? text.padEnd(Math.ceil(text.length / 4) * 4, '=') : text;
}

export interface SignOptions {
  /** Base64url with "=" padding on every segment, signed over the padded text (ALB style). */
  pad?: boolean;
}

/** Sign raw header/payload JSON text (so duplicate keys and odd values survive) with the header's alg. */
export function signRaw(
  headerJson: string,
  payloadJson: string,
  key: KeyObject | Uint8Array | undefined,
  alg: string,
  options: SignOptions = {},
): string {
  const input = `${b64url(headerJson, options.pad)}.${b64url(payloadJson, options.pad)}`;
  let signature: Buffer;
  if (key === undefined || alg.toLowerCase() === 'none') signature = Buffer.alloc(0);
  else if (alg.startsWith('HS'))
    signature = createHmac(`sha${alg.slice(2)}`, key)
      .update(input)
      .digest();
  else if (alg.startsWith('ES')) {
    signature = sign(`sha${alg.slice(2)}`, Buffer.from(input), {
      key: key as KeyObject,
      dsaEncoding: 'ieee-p1363',
    });
  } else if (alg.startsWith('PS')) {
    signature = sign(`sha${alg.slice(2)}`, Buffer.from(input), {
      key: key as KeyObject,
      padding: 6,
      saltLength: -1,
    });
  } else signature = sign(`sha${alg.slice(2)}`, Buffer.from(input), key as KeyObject);
  return `${input}.${b64url(signature, options.pad)}`;
}

/** Sign header and payload objects. */
export function signToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject | Uint8Array | undefined,
  options: SignOptions = {},
): string {
  return signRaw(JSON.stringify(header), JSON.stringify(payload), key, String(header['alg']), options);
}

export const REGION = 'us-east-1';
export const POOL_ID = 'us-east-1_AbCdEf123';
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL_ID}`;
export const CLIENT_ID = '1example23456789client';
export const ALB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';
export const NOW = 1_700_000_000;

/** Claims of a Cognito ID token, as docs/aws-behaviour.md lists them. */
export function idClaims(overrides: Record<string, unknown> = {}, iss = ISSUER): Record<string, unknown> {
  return {
    sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    aud: CLIENT_ID,
    'cognito:groups': ['admin', 'support'],
    email_verified: true,
    iss,
    'cognito:username': 'alice',
    origin_jti: 'o-jti',
    event_id: 'e-id',
    token_use: 'id',
    auth_time: NOW - 60,
    exp: NOW + 3600,
    iat: NOW - 60,
    jti: 'jti-id',
    email: 'alice@example.com',
    ...overrides,
  };
}

/** Claims of a Cognito access token (no aud). */
export function accessClaims(overrides: Record<string, unknown> = {}, iss = ISSUER): Record<string, unknown> {
  return {
    sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    'cognito:groups': ['admin'],
    iss,
    client_id: CLIENT_ID,
    origin_jti: 'o-jti',
    event_id: 'e-id',
    token_use: 'access',
    scope: 'orders/read openid',
    auth_time: NOW - 60,
    exp: NOW + 3600,
    iat: NOW - 60,
    jti: 'jti-access',
    username: 'alice',
    ...overrides,
  };
}

/** An x-amzn-oidc-data blob built exactly as the ALB builds it: padded segments, ES256, signer header. */
export function albBlob(
  key: TestKey,
  overrides: { header?: Record<string, unknown>; payload?: Record<string, unknown>; pad?: boolean } = {},
): string {
  const header = {
    typ: 'JWT',
    kid: key.kid,
    alg: 'ES256',
    iss: ISSUER,
    client: CLIENT_ID,
    signer: ALB_ARN,
    exp: NOW + 120,
    ...overrides.header,
  };
  const payload = {
    sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    email_verified: 'true',
    email: 'alice@example.com',
    username: 'alice',
    exp: NOW + 120,
    iss: ISSUER,
    ...overrides.payload,
  };
  return signToken(header, payload, key.privateKey, { pad: overrides.pad ?? true });
}

/** A loopback HTTP server answering from a route table, counting requests. */
export interface KeyServer {
  url: string;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

export async function startKeyServer(
  routes: Record<string, { status?: number; contentType?: string; body: string }>,
): Promise<KeyServer> {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(route.status ?? 200, { 'content-type': route.contentType ?? 'application/json' })
      .end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** PEM of a public key, as the ALB key endpoint serves it. */
export function publicPem(key: TestKey): string {
  return key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

export { createPrivateKey };
