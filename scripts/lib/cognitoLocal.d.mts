// Types for cognitoLocal.mjs so TypeScript tests can import it.
export declare class CognitoApiError extends Error {
  readonly action: string;
  readonly status: number;
  /** Cognito exception name, e.g. `NotAuthorizedException`. */
  readonly type: string;
}

export interface CognitoTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  expiresIn?: number;
}

export interface PoolInfo {
  poolId: string;
  arn: string;
  /** `http://127.0.0.1:<port>/<poolId>`: exactly what cognito-local writes into `iss`. */
  issuer: string;
  /** `{issuer}/.well-known/jwks.json` (served; its discovery document is not usable). */
  jwksUrl: string;
}

export interface SeedUser {
  username: string;
  password: string;
  groups?: string[];
  attributes?: Record<string, string>;
}

export interface SeededPool extends PoolInfo {
  clientId: string;
  users: (SeedUser & { sub?: string })[];
}

export interface CognitoClient {
  call(action: string, body?: unknown): Promise<Record<string, unknown>>;
  createUserPool(o: { name: string; customAttributes?: string[] }): Promise<PoolInfo>;
  createUserPoolClient(o: { poolId: string; name?: string }): Promise<{ clientId: string }>;
  createGroup(o: { poolId: string; name: string; description?: string; precedence?: number }): Promise<void>;
  adminCreateUser(o: {
    poolId: string;
    username: string;
    attributes?: Record<string, string>;
    temporaryPassword?: string;
  }): Promise<{ username: string; sub?: string }>;
  adminSetUserPassword(o: {
    poolId: string;
    username: string;
    password: string;
    permanent?: boolean;
  }): Promise<void>;
  adminAddUserToGroup(o: { poolId: string; username: string; group: string }): Promise<void>;
  initiateAuth(o: { clientId: string; username: string; password: string }): Promise<CognitoTokens>;
  seedPool(spec: {
    name: string;
    groups?: string[];
    customAttributes?: string[];
    users?: SeedUser[];
  }): Promise<SeededPool>;
}

export interface CognitoLocal extends CognitoClient {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  host: string;
  port: number;
  dataDir: string;
  logFile: string;
  pid: number;
  client: CognitoClient;
  /** Resolves when the emulator process exits. */
  exited: Promise<unknown>;
  stop(): Promise<void>;
}

export declare function startCognitoLocal(opts?: {
  port?: number;
  log?: (m: string) => void;
  keepData?: boolean;
  timeoutMs?: number;
}): Promise<CognitoLocal>;
export declare function createCognitoClient(endpoint: string): CognitoClient;
export declare function issuerFor(endpoint: string, poolId: string): string;
export declare function jwksUrlFor(endpoint: string, poolId: string): string;
