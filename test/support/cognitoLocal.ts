// Typed access to cognito-local for end-to-end tests: start it, seed a pool, sign users in.
import { startCognitoLocal } from '../../scripts/lib/cognitoLocal.mjs';
import type { CognitoLocal, CognitoTokens, SeedUser, SeededPool } from '../../scripts/lib/cognitoLocal.mjs';

export {
  CognitoApiError,
  createCognitoClient,
  issuerFor,
  jwksUrlFor,
  startCognitoLocal,
} from '../../scripts/lib/cognitoLocal.mjs';
export type {
  CognitoClient,
  CognitoLocal,
  CognitoTokens,
  PoolInfo,
  SeedUser,
  SeededPool,
} from '../../scripts/lib/cognitoLocal.mjs';

/** A running emulator with one seeded pool and every user's tokens: what most e2e tests need. */
export interface SeededCognitoLocal {
  local: CognitoLocal;
  pool: SeededPool;
  tokens: Record<string, CognitoTokens>;
  stop(): Promise<void>;
}

/** Default pool: a group and a user in it with a `custom:tenant`, enough for verify/simulate tests. */
export const DEFAULT_USERS: SeedUser[] = [
  {
    username: 'alice',
    password: 'Alice-Passw0rd',
    groups: ['admin'],
    attributes: { email: 'alice@example.com', 'custom:tenant': 'acme' },
  },
];

/** Starts cognito-local, seeds a pool and signs every user in (stops the emulator again if seeding fails). */
export async function startSeededCognitoLocal(
  opts: { name?: string; groups?: string[]; users?: SeedUser[]; log?: (m: string) => void } = {},
): Promise<SeededCognitoLocal> {
  const local = await startCognitoLocal(opts.log ? { log: opts.log } : {});
  try {
    const users = opts.users ?? DEFAULT_USERS;
    const groups = opts.groups ?? [...new Set(users.flatMap((u) => u.groups ?? []))];
    const pool = await local.seedPool({ name: opts.name ?? 'test', groups, users });
    const tokens: Record<string, CognitoTokens> = {};
    for (const u of users) {
      tokens[u.username] = await local.initiateAuth({
        clientId: pool.clientId,
        username: u.username,
        password: u.password,
      });
    }
    return { local, pool, tokens, stop: () => local.stop() };
  } catch (e) {
    await local.stop();
    throw e;
  }
}
