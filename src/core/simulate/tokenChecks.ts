// Token verification for each authorizer kind: the right VerifyOptions for inspect, and AWS's reading of the result.
import type { Check, CheckId } from '../findings.ts';
import { inspectToken } from '../inspect.ts';
import { albKeyBaseUrl, regionFromAlbArn } from '../keys/alb.ts';
import type { JsonObject, KeySource, TokenReport, VerifyDeps, VerifyOptions } from '../types.ts';
import { decodeReport } from '../inspect.ts';
import { poolIssuer } from './configFile.ts';
import type { AuthorizerConfig } from './model.ts';
import type { TraceStep } from './result.ts';
import { step } from './result.ts';

/** A verified (or refused) token as an authorizer sees it. */
export interface TokenVerdict {
  report: TokenReport;
  /** The check that makes the authorizer refuse, in AWS's order; undefined = accepted. */
  failed: Check | undefined;
  trace: TraceStep[];
  claims: JsonObject;
}

/** Time and mode shared by every verification of one simulation. */
export interface VerifyContext {
  now: number;
  clockSkewSeconds: number;
  /** What-if: the signature (and key lookup) was replaced, so those checks are reported as skipped. */
  signatureSkipped: boolean;
  deps: VerifyDeps;
}

const SIGNATURE_IDS: readonly CheckId[] = ['kid', 'key', 'signature'];

/** Trusted issuers of a cognito authorizer: pools first, then explicit issuer URLs. */
export function cognitoIssuers(auth: AuthorizerConfig): string[] {
  return [...(auth.userPools ?? []).map(poolIssuer), ...(auth.issuers ?? [])];
}

function jwksSource(auth: AuthorizerConfig, issuer: string): KeySource {
  return { type: 'jwks-url', url: auth.jwks ?? `${issuer}/.well-known/jwks.json` };
}

/** The ALB key endpoint: explicit keyUrl, else the region of the configured (never the token's) ARN. */
export function albKeySource(auth: AuthorizerConfig): KeySource {
  if (auth.keyUrl) return { type: 'alb', baseUrl: auth.keyUrl };
  const region = regionFromAlbArn(auth.albArn);
  const base = region ? albKeyBaseUrl(region) : undefined;
  return base ? { type: 'alb', baseUrl: base } : { type: 'alb' };
}

function detail(c: Check): string {
  const parts: string[] = [];
  if (c.actual !== undefined) parts.push(`actual ${c.actual}`);
  if (c.expected !== undefined) parts.push(`expected ${c.expected}`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function traceChecks(report: TokenReport, ctx: VerifyContext, ignore: readonly CheckId[]): TraceStep[] {
  const out: TraceStep[] = [];
  for (const c of report.checks) {
    if (ignore.includes(c.id)) continue;
    if (ctx.signatureSkipped && SIGNATURE_IDS.includes(c.id) && c.status !== 'fail') {
      out.push(
        step(
          `token.${c.id}`,
          'skip',
          'not checked: the claims were edited (what-if), so the signature cannot hold',
        ),
      );
      continue;
    }
    if (c.status === 'skip') continue;
    out.push(step(`token.${c.id}`, c.status, `${c.message}${detail(c)}`));
  }
  for (const w of report.warnings) out.push(step('token.warning', 'warn', w.message));
  return out;
}

function firstFailure(report: TokenReport, ignore: readonly CheckId[]): Check | undefined {
  return report.checks.find((c) => c.status === 'fail' && !ignore.includes(c.id));
}

async function run(
  token: string,
  options: VerifyOptions,
  ctx: VerifyContext,
  ignore: readonly CheckId[],
): Promise<TokenVerdict> {
  const report = await inspectToken(token, options, ctx.deps);
  return {
    report,
    failed: firstFailure(report, ignore),
    trace: traceChecks(report, ctx, ignore),
    claims: report.payload ?? {},
  };
}

function base(ctx: VerifyContext): Pick<VerifyOptions, 'now' | 'clockSkewSeconds' | 'allowNetwork'> {
  return { now: ctx.now, clockSkewSeconds: ctx.clockSkewSeconds, allowNetwork: true };
}

/** REST COGNITO_USER_POOLS: pick the trusted pool matching `iss`, expect the token kind the method implies. */
export async function verifyCognito(
  auth: AuthorizerConfig,
  token: string,
  tokenUse: 'id' | 'access' | undefined,
  ctx: VerifyContext,
): Promise<TokenVerdict & { issuer: string }> {
  const issuers = cognitoIssuers(auth);
  const iss = decodeReport(token, ctx.now).payload?.iss;
  const issuer = issuers.find((i) => i === iss) ?? issuers[0] ?? '';
  const options: VerifyOptions = {
    ...base(ctx),
    issuer,
    keySource: jwksSource(auth, issuer),
    algorithms: ['RS256'],
  };
  if (tokenUse) options.tokenUse = tokenUse;
  if (auth.clientId !== undefined) options.clientId = auth.clientId;
  const verdict = await run(token, options, ctx, ['scope', 'signer', 'client', 'identity']);
  if (issuers.length > 1) {
    verdict.trace.unshift(
      step(
        'token.iss',
        'info',
        issuers.includes(typeof iss === 'string' ? iss : '')
          ? `the token's issuer is one of the ${issuers.length} trusted user pools`
          : `the token's issuer is none of the trusted user pools: ${issuers.join(', ')}`,
      ),
    );
  }
  return { ...verdict, issuer };
}

/** HTTP API (and REST) JWT authorizer: issuer, audience list (client_id only without aud), RS256 only. */
export async function verifyJwt(
  auth: AuthorizerConfig,
  token: string,
  ctx: VerifyContext,
): Promise<TokenVerdict> {
  const issuer = auth.issuer ?? '';
  const options: VerifyOptions = {
    ...base(ctx),
    issuer,
    audience: auth.audience ?? [],
    keySource: jwksSource(auth, issuer),
    algorithms: ['RS256'],
  };
  return run(token, options, ctx, ['token_use', 'scope', 'signer', 'client', 'identity']);
}

/** ALB x-amzn-oidc-data: ES256 over the padded text, signer = the configured ARN, client when known. */
export async function verifyAlbBlob(
  auth: AuthorizerConfig,
  blob: string,
  ctx: VerifyContext,
): Promise<TokenVerdict> {
  const options: VerifyOptions = { ...base(ctx), keySource: albKeySource(auth), algorithms: ['ES256'] };
  if (auth.albArn !== undefined) options.albArn = auth.albArn;
  if (auth.clientId !== undefined) options.clientId = auth.clientId;
  return run(blob, options, ctx, ['aud', 'client_id', 'token_use', 'scope', 'identity']);
}

/** The `error_description` API Gateway puts in `www-authenticate` for a failed JWT check. */
export function jwtErrorDescription(failed: Check): { text: string; documented: boolean } {
  switch (failed.id) {
    case 'aud':
    case 'client_id':
      return { text: 'the token does not have a valid audience', documented: true };
    case 'exp':
      return { text: 'the token has expired', documented: false };
    case 'iss':
      return { text: 'the token does not have a valid issuer', documented: false };
    case 'nbf':
      return { text: 'the token is not valid yet', documented: false };
    case 'iat':
      return { text: 'the token was issued in the future', documented: false };
    case 'alg':
      return { text: 'the token is not signed with RS256', documented: false };
    case 'kid':
    case 'key':
      return { text: 'no key in the issuer JWKS matches the token kid', documented: false };
    case 'signature':
      return { text: 'the token signature is invalid', documented: false };
    default:
      return { text: 'the token is malformed', documented: false };
  }
}
