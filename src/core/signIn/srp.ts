// USER_SRP_AUTH, client side. The SRP-6a arithmetic (A, u, x, S and the HKDF key) is AWS's own implementation in
// amazon-cognito-identity-js (the library Amplify used for years); this file only feeds it and signs the
// PASSWORD_VERIFIER message with the key it derives, exactly as that library's CognitoUser does.
import { createHmac } from 'node:crypto';

interface LibraryBigInteger {
  toString(radix: number): string;
}

interface LibraryHelper {
  getLargeAValue(callback: (error: unknown, value: LibraryBigInteger) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    serverB: LibraryBigInteger,
    salt: LibraryBigInteger,
    callback: (error: unknown, key: Uint8Array) => void,
  ): void;
}

type HelperConstructor = new (poolName: string) => LibraryHelper;
type BigIntegerConstructor = new (text: string, radix: number) => LibraryBigInteger;

/** The class a CommonJS module exports as `default`, whichever interop the bundler or Node applied. */
function exportedClass<T>(moduleValue: unknown, name: string): T {
  const candidates = [moduleValue, (moduleValue as { default?: unknown } | null)?.default];
  const nested = (candidates[1] as { default?: unknown } | undefined)?.default;
  for (const candidate of [...candidates, nested]) if (typeof candidate === 'function') return candidate as T;
  throw new Error(`amazon-cognito-identity-js: ${name} not found`);
}

interface Library {
  AuthenticationHelper: HelperConstructor;
  BigInteger: BigIntegerConstructor;
}

let library: Promise<Library> | undefined;

/** Loaded on the first SRP sign-in only: the editor does not pay for it at activation. */
function loadLibrary(): Promise<Library> {
  return (library ??= Promise.all([
    import('amazon-cognito-identity-js/lib/AuthenticationHelper.js'),
    import('amazon-cognito-identity-js/lib/BigInteger.js'),
  ]).then(([helperModule, bigIntegerModule]) => ({
    AuthenticationHelper: exportedClass<HelperConstructor>(helperModule, 'AuthenticationHelper'),
    BigInteger: exportedClass<BigIntegerConstructor>(bigIntegerModule, 'BigInteger'),
  })));
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The TIMESTAMP Cognito expects: `ddd MMM D HH:mm:ss UTC YYYY`, the day NOT zero-padded (as the library's
 * DateHelper writes it; a padded day is refused on days 1-9). Built here so the clock is injected.
 */
export function srpTimestamp(nowMs: number): string {
  const date = new Date(nowMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${WEEKDAYS[date.getUTCDay()] ?? ''} ${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** The PASSWORD_VERIFIER challenge parameters Cognito sends after InitiateAuth USER_SRP_AUTH. */
export interface PasswordVerifierParameters {
  SALT: string;
  SRP_B: string;
  SECRET_BLOCK: string;
  USER_ID_FOR_SRP: string;
}

export interface PasswordVerifierResponse {
  USERNAME: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  PASSWORD_CLAIM_SIGNATURE: string;
  TIMESTAMP: string;
}

/** One SRP exchange: SRP_A for InitiateAuth, then the signed answer to PASSWORD_VERIFIER. */
export interface SrpSession {
  srpA: string;
  answer(
    parameters: PasswordVerifierParameters,
    password: string,
    nowMs: number,
  ): Promise<PasswordVerifierResponse>;
}

function isHex(text: string): boolean {
  if (text.length === 0 || text.length > 2048) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const lower = c >= 97 && c <= 102;
    const upper = c >= 65 && c <= 70;
    if (!digit && !lower && !upper) return false;
  }
  return true;
}

/** Start SRP for a pool (`us-east-1_AbC123`: the pool name is the part after the underscore). */
export async function startSrp(poolId: string): Promise<SrpSession> {
  const poolName = poolId.slice(poolId.indexOf('_') + 1);
  const { AuthenticationHelper, BigInteger } = await loadLibrary();
  const helper = new AuthenticationHelper(poolName);
  const largeA = await new Promise<LibraryBigInteger>((resolve, reject) =>
    helper.getLargeAValue((error, value) => (error ? reject(toError(error)) : resolve(value))),
  );
  return {
    srpA: largeA.toString(16),
    async answer(parameters, password, nowMs) {
      // Hostile or broken servers: the library would throw deep inside on non-hex input.
      if (!isHex(parameters.SRP_B) || !isHex(parameters.SALT))
        throw new Error('the PASSWORD_VERIFIER challenge has a malformed SRP_B or SALT');
      const key = await new Promise<Uint8Array>((resolve, reject) => {
        try {
          helper.getPasswordAuthenticationKey(
            parameters.USER_ID_FOR_SRP,
            password,
            new BigInteger(parameters.SRP_B, 16),
            new BigInteger(parameters.SALT, 16),
            (error, value) => (error ? reject(toError(error)) : resolve(value)),
          );
        } catch (error) {
          reject(toError(error));
        }
      });
      const timestamp = srpTimestamp(nowMs);
      const message = Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(parameters.USER_ID_FOR_SRP, 'utf8'),
        Buffer.from(parameters.SECRET_BLOCK, 'base64'),
        Buffer.from(timestamp, 'utf8'),
      ]);
      return {
        USERNAME: parameters.USER_ID_FOR_SRP,
        PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK,
        PASSWORD_CLAIM_SIGNATURE: createHmac('sha256', key).update(message).digest('base64'),
        TIMESTAMP: timestamp,
      };
    },
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
