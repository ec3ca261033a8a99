// The ALB's authenticate-oidc / authenticate-cognito step as the local gateway plays it: the session is the user's
// ID token (sent as `Authorization: Bearer` or in the AWSELBAuthSessionCookie cookie, also split as -0, -1, ...),
// checked against the IdP the action names (the alb authorizer's `issuer` and `jwks`), as the ALB checks the ID
// token its token endpoint returns. What the target sees afterwards is decided by the simulator (albAuthorizer.ts).
import type { AuthorizerConfig } from '../config/model.ts';
import { decodeToken } from '../decode.ts';
import type { Check } from '../findings.ts';
import { check } from '../findings.ts';
import type { TraceStep } from '../simulate/result.ts';
import { step } from '../simulate/result.ts';
import type { VerifyContext } from '../simulate/tokenChecks.ts';
import { verifyJwt } from '../simulate/tokenChecks.ts';
import type { HeaderField } from './headers.ts';
import { headerValues } from './headers.ts';

const SESSION_COOKIE = 'AWSELBAuthSessionCookie';
/** ALB session cookies are sharded at 4 KB; Node caps a request's headers at 16 KiB: 16 shards is plenty. */
const MAX_COOKIE_SHARDS = 16;

/** Where the session was found; never its value in a log line. */
export interface FoundSession {
  token: string;
  from: 'cookie' | 'authorization';
  /** Cookie shards joined (1 for an unsharded cookie or a bearer token). */
  shards: number;
}

/** Cookie name -> value from every Cookie header (RFC 6265 §4.2.1: `a=b; c=d`), first occurrence wins. */
function cookiesOf(fields: readonly HeaderField[]): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of headerValues(fields, 'cookie')) {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      if (!cookies.has(name)) cookies.set(name, pair.slice(eq + 1).trim());
    }
  }
  return cookies;
}

/** The session cookie (whole, or its -0, -1, ... shards joined in order), else a Bearer token. */
export function findAlbSession(fields: readonly HeaderField[]): FoundSession | undefined {
  const cookies = cookiesOf(fields);
  const whole = cookies.get(SESSION_COOKIE);
  if (whole !== undefined && whole !== '') return { token: whole, from: 'cookie', shards: 1 };
  const shards: string[] = [];
  for (let i = 0; i < MAX_COOKIE_SHARDS; i++) {
    const part = cookies.get(`${SESSION_COOKIE}-${i}`);
    if (part === undefined) break;
    shards.push(part);
  }
  if (shards.length > 0 && shards.join('') !== '')
    return { token: shards.join(''), from: 'cookie', shards: shards.length };
  const authorization = headerValues(fields, 'authorization')[0];
  const bearer = authorization === undefined ? undefined : /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer?.[1] !== undefined) return { token: bearer[1], from: 'authorization', shards: 1 };
  return undefined;
}

/** The session's verdict: its claims when valid; `expiredOnly` when the one thing wrong is its age. */
export type SessionVerdict =
  | { ok: true; claims: Record<string, unknown>; exp: number; trace: TraceStep[] }
  | {
      ok: false;
      failed: Check;
      /** Everything else holds: the ALB treats it as an expired session (redirect), not as no session. */
      expiredOnly: boolean;
      claims: Record<string, unknown>;
      exp: number | undefined;
      trace: TraceStep[];
    };

function renamed(trace: readonly TraceStep[]): TraceStep[] {
  return trace.map((t) => ({ ...t, step: t.step.replace(/^token\./, 'session.') }));
}

/**
 * Verify the session's ID token against the IdP the ALB action names: signature with the IdP's keys (the
 * configured `jwks`, or a Cognito issuer's derived key URL), `iss`, `aud` = the action's client id, `exp`.
 * The same verifier as a jwt authorizer (tokenChecks.ts); a Cognito access token is refused (wrong kind).
 */
export async function verifyAlbSession(
  auth: AuthorizerConfig,
  session: FoundSession,
  ctx: VerifyContext,
): Promise<SessionVerdict> {
  const where =
    session.from === 'cookie'
      ? `the ${SESSION_COOKIE} cookie${session.shards > 1 ? ` (${session.shards} shards)` : ''}`
      : 'the Authorization header (Bearer)';
  const trace: TraceStep[] = [step('alb-session', 'info', `session token found in ${where}`)];
  const decoded = decodeToken(session.token);
  const claims = decoded.token.payload ?? {};
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  if (auth.issuer === undefined) {
    const failed = check('iss', 'fail', `authorizer ${auth.name} names no issuer`, {
      reason: 'not-configured',
    });
    trace.push(
      step(
        'alb-session',
        'fail',
        `authorizer ${auth.name} names no IdP (issuer, and jwks unless it is a Cognito pool), so the session cannot be verified: treated as no session`,
      ),
    );
    return { ok: false, failed, expiredOnly: false, claims, exp, trace };
  }
  const idp: AuthorizerConfig = {
    name: auth.name,
    type: 'jwt',
    issuer: auth.issuer,
    audience: auth.clientId === undefined ? [] : [auth.clientId],
  };
  if (auth.jwks !== undefined) idp.jwks = auth.jwks;
  const verdict = await verifyJwt(idp, decoded, ctx);
  trace.push(...renamed(verdict.trace));
  const tokenUse = claims.token_use;
  const failures = verdict.report.checks.filter((c) => c.status === 'fail');
  let failed = verdict.failed;
  if (failed === undefined && tokenUse !== undefined && tokenUse !== 'id') {
    failed = check(
      'token_use',
      'fail',
      `token_use is ${JSON.stringify(tokenUse)}: the ALB's session holds the ID token`,
      {
        reason: 'mismatch',
        actual: JSON.stringify(tokenUse),
        expected: 'id',
      },
    );
    failures.push(failed);
    trace.push(step('session.token_use', 'fail', failed.message));
  }
  if (failed === undefined && exp !== undefined) {
    trace.push(step('alb-session', 'pass', `valid session for the IdP ${auth.issuer}`));
    return { ok: true, claims, exp, trace };
  }
  const shown = failed ?? check('exp', 'fail', 'the session token has no exp', { reason: 'missing' });
  const expiredOnly = exp !== undefined && failures.length > 0 && failures.every((c) => c.id === 'exp');
  trace.push(
    step(
      'alb-session',
      'fail',
      expiredOnly
        ? 'the session has expired: the ALB answers as for an expired session'
        : `the session fails verification (${shown.id}): the ALB treats the request as unauthenticated`,
    ),
  );
  return { ok: false, failed: shown, expiredOnly, claims, exp, trace };
}
