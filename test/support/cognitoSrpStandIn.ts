// A stand-in for the Cognito user pools API's USER_SRP_AUTH exchange, for tests only: cognito-local does not
// implement SRP and AWS is not reachable here. Written from the protocol (SRP-6a over the RFC 5054 3072-bit
// group, g = 2, k = H(N | g), x = H(salt | H(poolName | username ":" password)), the "Caldera Derived Key" HKDF
// and the PASSWORD_VERIFIER signature HMAC(key, poolName | userId | secretBlock | timestamp)), with node BigInt
// and node:crypto, independently of the client library it checks. It speaks the real JSON 1.1 wire format
// (X-Amz-Target, __type errors) on a loopback port and issues RS256 tokens shaped like Cognito's.
import {
  createHash,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  timingSafeEqual,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
const N = BigInt(`0x${N_HEX}`);
const g = 2n;

/** Big-endian two's-complement hex, as the protocol hashes integers: even length, a leading 00 if the top bit is set. */
function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if ('89abcdef'.includes(hex[0] ?? '0')) hex = `00${hex}`;
  return hex;
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hashHexToInt(hex: string): bigint {
  return BigInt(`0x${sha256Hex(Buffer.from(hex, 'hex'))}`);
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

const k = hashHexToInt(padHex(N) + padHex(g));

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Parses `ddd MMM D HH:mm:ss UTC YYYY` strictly (day without a leading zero), else undefined. */
function parseTimestamp(text: string): number | undefined {
  const parts = text.split(' ');
  if (parts.length !== 6 || parts[4] !== 'UTC') return undefined;
  const [weekday, month, day, time, , year] = parts as [string, string, string, string, string, string];
  const monthIndex = MONTHS.indexOf(month);
  if (!WEEKDAYS.includes(weekday) || monthIndex < 0 || day.startsWith('0') || !/^\d{1,2}$/.test(day))
    return undefined;
  if (!/^\d\d:\d\d:\d\d$/.test(time) || !/^\d{4}$/.test(year)) return undefined;
  const [h, m, s] = time.split(':').map(Number) as [number, number, number];
  const ms = Date.UTC(Number(year), monthIndex, Number(day), h, m, s);
  return WEEKDAYS[new Date(ms).getUTCDay()] === weekday ? ms : undefined;
}

interface StandInUser {
  username: string;
  sub: string;
  salt: bigint;
  verifier: bigint;
  groups: string[];
}

interface PendingSrp {
  user: StandInUser;
  b: bigint;
  B: bigint;
  A: bigint;
  secretBlock: Buffer;
  clientId: string;
}

export interface SrpStandIn {
  endpoint: string;
  poolId: string;
  issuer: string;
  jwksUrl: string;
  /** Every action received, in order (for asserting what the client sent). */
  calls: { action: string; body: Record<string, unknown> }[];
  addClient(clientId: string, secret?: string): void;
  addUser(username: string, password: string, groups?: string[]): void;
  close(): Promise<void>;
}

/** A string field of a parsed request, else ''. */
function field(record: Record<string, unknown>, name: string): string {
  const value = record[name];
  return typeof value === 'string' ? value : '';
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function signJwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const head = b64url(JSON.stringify({ kid, alg: 'RS256' }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${b64url(sign('sha256', Buffer.from(`${head}.${body}`), key))}`;
}

/** Start the stand-in on 127.0.0.1 with a fresh RSA key; `now` is the clock for tokens and timestamps. */
export async function startSrpStandIn(
  options: { poolId?: string; now?: () => number } = {},
): Promise<SrpStandIn> {
  const poolId = options.poolId ?? 'us-east-1_SrpStand1';
  const poolName = poolId.slice(poolId.indexOf('_') + 1);
  const now = options.now ?? (() => Date.now());
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const users = new Map<string, StandInUser>();
  const clients = new Map<string, string | undefined>();
  const pending = new Map<string, PendingSrp>();
  const calls: SrpStandIn['calls'] = [];
  let issuer = '';

  const error = (type: string, message: string) => ({ status: 400, body: { __type: type, message } });

  const checkSecretHash = (clientId: string, username: string, given: unknown): boolean => {
    const secret = clients.get(clientId);
    if (secret === undefined) return true;
    const expected = createHmac('sha256', secret)
      .update(username + clientId)
      .digest('base64');
    return typeof given === 'string' && given === expected;
  };

  const tokens = (user: StandInUser, clientId: string): Record<string, unknown> => {
    const seconds = Math.floor(now() / 1000);
    const common = {
      sub: user.sub,
      iss: issuer,
      auth_time: seconds,
      iat: seconds,
      exp: seconds + 3600,
      'cognito:groups': user.groups,
    };
    return {
      AuthenticationResult: {
        AccessToken: signJwt(
          {
            ...common,
            client_id: clientId,
            token_use: 'access',
            scope: 'aws.cognito.signin.user.admin',
            username: user.username,
            jti: randomUUID(),
          },
          privateKey,
          kid,
        ),
        IdToken: signJwt(
          { ...common, aud: clientId, token_use: 'id', 'cognito:username': user.username, jti: randomUUID() },
          privateKey,
          kid,
        ),
        RefreshToken: b64url(randomBytes(64)),
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      },
    };
  };

  const handle = (
    action: string,
    body: Record<string, unknown>,
  ): { status: number; body: Record<string, unknown> } => {
    const clientId = typeof body.ClientId === 'string' ? body.ClientId : '';
    if (!clients.has(clientId)) return error('ResourceNotFoundException', 'User pool client does not exist.');
    if (action === 'InitiateAuth') {
      const parameters = (body.AuthParameters ?? {}) as Record<string, unknown>;
      if (body.AuthFlow !== 'USER_SRP_AUTH')
        return error(
          'InvalidParameterException',
          `${String(body.AuthFlow)} flow not enabled for this client`,
        );
      const username = field(parameters, 'USERNAME');
      const user = users.get(username);
      if (!user) return error('UserNotFoundException', 'User does not exist.');
      if (!checkSecretHash(clientId, username, parameters.SECRET_HASH))
        return error('NotAuthorizedException', `Unable to verify secret hash for client ${clientId}`);
      const A = BigInt(`0x${field(parameters, 'SRP_A') || '0'}`);
      if (A % N === 0n) return error('InvalidParameterException', 'SRP_A is invalid');
      const b = BigInt(`0x${randomBytes(32).toString('hex')}`);
      const B = (k * user.verifier + modPow(g, b, N)) % N;
      const secretBlock = randomBytes(64);
      const session = randomUUID();
      pending.set(session, { user, b, B, A, secretBlock, clientId });
      return {
        status: 200,
        body: {
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: session,
          ChallengeParameters: {
            SALT: user.salt.toString(16),
            SRP_B: B.toString(16),
            SECRET_BLOCK: secretBlock.toString('base64'),
            USER_ID_FOR_SRP: user.username,
            USERNAME: user.username,
          },
        },
      };
    }
    if (action === 'RespondToAuthChallenge' && body.ChallengeName === 'PASSWORD_VERIFIER') {
      const state = pending.get(field(body, 'Session'));
      if (!state || state.clientId !== clientId)
        return error('NotAuthorizedException', 'Invalid session for the user.');
      pending.delete(field(body, 'Session'));
      const responses = (body.ChallengeResponses ?? {}) as Record<string, unknown>;
      const { user } = state;
      if (responses.USERNAME !== user.username)
        return error('NotAuthorizedException', 'Incorrect username or password.');
      if (!checkSecretHash(clientId, user.username, responses.SECRET_HASH))
        return error('NotAuthorizedException', `Unable to verify secret hash for client ${clientId}`);
      const timestamp = field(responses, 'TIMESTAMP');
      const at = parseTimestamp(timestamp);
      if (at === undefined || Math.abs(at - now()) > 5 * 60_000)
        return error('NotAuthorizedException', 'Invalid timestamp');
      if (responses.PASSWORD_CLAIM_SECRET_BLOCK !== state.secretBlock.toString('base64'))
        return error('NotAuthorizedException', 'Incorrect username or password.');
      const u = hashHexToInt(padHex(state.A) + padHex(state.B));
      const S = modPow(state.A * modPow(user.verifier, u, N), state.b, N);
      const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
        .update(Buffer.from(padHex(S), 'hex'))
        .digest();
      const key = createHmac('sha256', prk)
        .update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])]))
        .digest()
        .subarray(0, 16);
      const expected = createHmac('sha256', key)
        .update(
          Buffer.concat([
            Buffer.from(poolName),
            Buffer.from(user.username),
            state.secretBlock,
            Buffer.from(timestamp),
          ]),
        )
        .digest();
      const given = Buffer.from(field(responses, 'PASSWORD_CLAIM_SIGNATURE'), 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return error('NotAuthorizedException', 'Incorrect username or password.');
      return { status: 200, body: tokens(user, clientId) };
    }
    return error('InvalidParameterException', `${action} is not implemented by the SRP stand-in`);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === `/${poolId}/.well-known/jwks.json`) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }],
          }),
        );
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = target.startsWith('AWSCognitoIdentityProviderService.') ? target.slice(34) : '';
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = {};
      }
      calls.push({ action, body });
      const reply = handle(action, body);
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${endpoint}/${poolId}`;
  return {
    endpoint,
    poolId,
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    calls,
    addClient: (clientId, secret) => clients.set(clientId, secret),
    addUser: (username, password, groups = []) => {
      const salt = BigInt(`0x${randomBytes(16).toString('hex')}`);
      const inner = sha256Hex(Buffer.from(`${poolName}${username}:${password}`, 'utf8'));
      const x = hashHexToInt(padHex(salt) + inner);
      users.set(username, { username, sub: randomUUID(), salt, verifier: modPow(g, x, N), groups });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
