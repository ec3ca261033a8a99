// Runs cognito-local (a local Cognito user-pool emulator) on loopback and talks to it over Cognito's JSON API.
// Differences from real Cognito that tests must not rely on: one RSA key signs ID and access tokens (and it is the
// same key in every install), no `origin_jti`, an http issuer on loopback, pool ids like `local_AbC123` (no region),
// and a discovery document whose jwks_uri is hard-coded to localhost:9229 (use jwksUrl below instead).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTools } from '../tools.mjs';
import { LaunchError, assertPortFree, freePort, httpGet, spawnGroup, waitUntil } from './proc.mjs';

/** Error returned by the emulator's API (`__type` is Cognito's exception name, e.g. UsernameExistsException). */
export class CognitoApiError extends Error {
  constructor(action, status, type, message) {
    super(`${action} failed: ${type || `HTTP ${status}`}${message ? `: ${message}` : ''}`);
    this.action = action;
    this.status = status;
    this.type = type;
  }
}

/**
 * Starts cognito-local on 127.0.0.1 with its data in a fresh temp dir and waits until it answers.
 * @param {{port?: number, log?: (m: string) => void, keepData?: boolean, timeoutMs?: number}} [opts]
 * @returns {Promise<CognitoLocal>}
 */
export async function startCognitoLocal(opts = {}) {
  const log = opts.log ?? (() => {});
  const host = '127.0.0.1';
  const tools = await ensureTools({ log, only: ['cognitoLocal'] });
  if (opts.port) await assertPortFree(opts.port, host, 'cognito-local');
  const port = opts.port || (await freePort(host));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'authdbg-cognito-local-'));
  const endpoint = `http://${host}:${port}`;
  fs.mkdirSync(path.join(dataDir, '.cognito', 'db'), { recursive: true });
  // cognito-local reads .cognito/config.json from its working directory; the issuer follows HOST/PORT by default,
  // pinned here so it is exactly the loopback endpoint. Plain usernames (not emails) keep samples readable.
  fs.writeFileSync(
    path.join(dataDir, '.cognito', 'config.json'),
    JSON.stringify(
      {
        TokenConfig: { IssuerDomain: endpoint },
        ServerConfig: { hostname: host, port },
        UserPoolDefaults: { UsernameAttributes: [] },
      },
      null,
      2,
    ),
  );
  const logFile = path.join(dataDir, 'cognito-local.log');
  const env = { ...process.env, PORT: String(port), HOST: host, NODE_NO_WARNINGS: '1' };
  delete env.DEBUG;
  delete env.NODE_OPTIONS;
  log(`starting cognito-local on ${endpoint} (data: ${dataDir})`);
  // Runs on the Node that runs this script (Node 20 or newer): cognito-local declares node >=12.
  const proc = spawnGroup(process.execPath, [tools.cognitoLocalBin], { env, cwd: dataDir, logFile });
  const stop = async () => {
    await proc.stop();
    if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(async () => (await httpGet(`${endpoint}/health`)).status === 200, {
      timeoutMs: opts.timeoutMs ?? 30_000,
      child: proc.child,
      what: 'cognito-local',
      logFile,
    });
  } catch (e) {
    const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    await stop();
    if (/EADDRINUSE/.test(text))
      throw new LaunchError(`port ${port} on ${host} is already in use (cognito-local).`);
    throw e;
  }
  const client = createCognitoClient(endpoint);
  return {
    endpoint,
    host,
    port,
    dataDir,
    logFile,
    pid: proc.child.pid ?? 0,
    client,
    ...client,
    exited: proc.exited,
    stop,
  };
}

/** Issuer cognito-local writes into `iss` for a pool (checked by the smoke test). */
export function issuerFor(endpoint, poolId) {
  return `${endpoint.replace(/\/$/, '')}/${poolId}`;
}

/** The JWKS URL cognito-local serves for a pool (same as Cognito's `{iss}/.well-known/jwks.json`). */
export function jwksUrlFor(endpoint, poolId) {
  return `${issuerFor(endpoint, poolId)}/.well-known/jwks.json`;
}

/**
 * A minimal client for the Cognito Identity Provider JSON 1.1 API (works against cognito-local; no AWS SDK needed).
 * @param {string} endpoint e.g. http://127.0.0.1:9229
 */
export function createCognitoClient(endpoint) {
  /** Raw call: POST / with X-Amz-Target; returns parsed JSON or throws CognitoApiError. */
  async function call(action, body) {
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let json = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new CognitoApiError(action, res.status, '', `non-JSON response: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const type = String(json.__type ?? json.code ?? '').replace(/^.*#/, '');
      throw new CognitoApiError(action, res.status, type, json.message ?? json.Message ?? '');
    }
    return json;
  }

  const api = {
    call,

    /** Creates a pool; `customAttributes` become `custom:<name>` string attributes (e.g. tenant). */
    async createUserPool({ name, customAttributes = ['tenant'] }) {
      const r = await call('CreateUserPool', {
        PoolName: name,
        Schema: customAttributes.map((a) => ({ Name: a, AttributeDataType: 'String', Mutable: true })),
        Policies: {
          PasswordPolicy: {
            MinimumLength: 8,
            RequireUppercase: true,
            RequireLowercase: true,
            RequireNumbers: true,
            RequireSymbols: false,
          },
        },
      });
      const poolId = r.UserPool.Id;
      return {
        poolId,
        arn: r.UserPool.Arn,
        issuer: issuerFor(endpoint, poolId),
        jwksUrl: jwksUrlFor(endpoint, poolId),
      };
    },

    /** Creates a public app client allowed to sign in with USER_PASSWORD_AUTH. */
    async createUserPoolClient({ poolId, name = 'app' }) {
      const r = await call('CreateUserPoolClient', {
        UserPoolId: poolId,
        ClientName: name,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'USER_PASSWORD_AUTH'],
        GenerateSecret: false,
      });
      return { clientId: r.UserPoolClient.ClientId };
    },

    /** Creates a group (shows up in `cognito:groups`). */
    async createGroup({ poolId, name, description, precedence }) {
      await call('CreateGroup', {
        UserPoolId: poolId,
        GroupName: name,
        ...(description ? { Description: description } : {}),
        ...(precedence !== undefined ? { Precedence: precedence } : {}),
      });
    },

    /** Creates a user with attributes (e.g. {email, 'custom:tenant': 'acme'}); no message is sent. */
    async adminCreateUser({ poolId, username, attributes = {}, temporaryPassword }) {
      const r = await call('AdminCreateUser', {
        UserPoolId: poolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        ...(temporaryPassword ? { TemporaryPassword: temporaryPassword } : {}),
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value: String(Value) })),
      });
      const sub = r.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      return { username: r.User?.Username ?? username, sub };
    },

    /** Sets a password (permanent by default, so sign-in needs no NEW_PASSWORD_REQUIRED challenge). */
    async adminSetUserPassword({ poolId, username, password, permanent = true }) {
      await call('AdminSetUserPassword', {
        UserPoolId: poolId,
        Username: username,
        Password: password,
        Permanent: permanent,
      });
    },

    /** Adds a user to a group. */
    async adminAddUserToGroup({ poolId, username, group }) {
      await call('AdminAddUserToGroup', { UserPoolId: poolId, Username: username, GroupName: group });
    },

    /** Signs in with USER_PASSWORD_AUTH and returns the three tokens. */
    async initiateAuth({ clientId, username, password }) {
      const r = await call('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      });
      if (!r.AuthenticationResult) {
        throw new CognitoApiError(
          'InitiateAuth',
          200,
          r.ChallengeName ?? 'Challenge',
          'sign-in needs a challenge',
        );
      }
      const a = r.AuthenticationResult;
      return {
        idToken: a.IdToken,
        accessToken: a.AccessToken,
        refreshToken: a.RefreshToken,
        expiresIn: a.ExpiresIn,
      };
    },

    /**
     * Creates a pool, an app client, groups and users (each with a permanent password) in one go.
     * @param {{name: string, groups?: string[], customAttributes?: string[],
     *   users?: {username: string, password: string, groups?: string[], attributes?: Record<string, string>}[]}} spec
     */
    async seedPool(spec) {
      const pool = await api.createUserPool({ name: spec.name, customAttributes: spec.customAttributes });
      const { clientId } = await api.createUserPoolClient({ poolId: pool.poolId, name: `${spec.name}-app` });
      for (const g of spec.groups ?? []) await api.createGroup({ poolId: pool.poolId, name: g });
      const users = [];
      for (const u of spec.users ?? []) {
        const { sub } = await api.adminCreateUser({
          poolId: pool.poolId,
          username: u.username,
          attributes: u.attributes,
        });
        await api.adminSetUserPassword({ poolId: pool.poolId, username: u.username, password: u.password });
        for (const g of u.groups ?? [])
          await api.adminAddUserToGroup({ poolId: pool.poolId, username: u.username, group: g });
        users.push({ ...u, sub });
      }
      return { ...pool, clientId, users };
    },
  };
  return api;
}

/**
 * @typedef {ReturnType<typeof createCognitoClient> & {endpoint: string, host: string, port: number, dataDir: string,
 *   logFile: string, pid: number, client: ReturnType<typeof createCognitoClient>, stop: () => Promise<void>}} CognitoLocal
 */
