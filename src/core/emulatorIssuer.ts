// Emulator user pools (cognito-local, moto): a loopback issuer such as http://127.0.0.1:9229/local_5Pv6tYSN,
// whose API is at the issuer's origin and whose pool id is the last path segment. The one reading of that shape,
// for Sign In (where to send the password) and the simulator (a template pool served by an emulator).
import { isLoopbackHostname } from './keys/keyUrls.ts';

export interface EmulatorPool {
  poolId: string;
  /** The Cognito API of the emulator: the issuer's origin with a trailing "/". */
  endpoint: string;
}

/** The pool and API of an emulator issuer (http on loopback, one path segment with "_"), else undefined. */
export function emulatorPoolOfIssuer(issuer: unknown): EmulatorPool | undefined {
  if (typeof issuer !== 'string' || issuer.length > 300) return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !isLoopbackHostname(url.hostname) || url.search !== '' || url.hash !== '')
    return undefined;
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const poolId = segments.length === 1 ? segments[0] : undefined;
  if (poolId === undefined || !poolId.includes('_') || poolId.length > 55) return undefined;
  return { poolId, endpoint: `${url.origin}/` };
}
