// Token verification for each authorizer kind: the right VerifyOptions for inspect, and AWS's reading of the result.
// Key URL choice is tokenKeys.ts; API Gateway's own JWT claim rules are jwtAuthorizerRules.ts.
import type { Check, CheckId } from '../findings.ts';
import { inspectDecoded } from '../verify/inspect.ts';
import { isValid } from '../verify/verifyToken.ts';
import type { DecodeResult } from '../verify/inspect.ts';
import { isIssuerOfPool, parseCognitoIssuer, poolIssuerOrPlaceholder } from '../awsIdentifiers.ts';
import type { VerifyDeps } from '../keys/types.ts';
import type { JsonObject, TokenReport, VerifyOptions } from '../types.ts';
import type { AuthorizerConfig } from '../config/model.ts';
import { emulatorPoolOfIssuer } from '../emulatorIssuer.ts';
import { displayText } from '../keys/keyErrors.ts';
import { jwtAudienceChecks, jwtIatCheck } from './jwtAuthorizerRules.ts';
import type { TraceStep, UserKeyUrls } from './result.ts';
import { step } from './result.ts';
import { albKeySource, jwksSource, missingKeyUrlMessage } from './tokenKeys.ts';

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
  /** Key URLs the user gave for this run; absent = none. */
  keyUrls?: UserKeyUrls | undefined;
}

const SIGNATURE_IDS: readonly CheckId[] = ['kid', 'key', 'signature'];

/** Trusted issuers of a cognito authorizer: pools first, then explicit issuer URLs. */
function cognitoIssuers(auth: AuthorizerConfig): string[] {
  return [...(auth.userPools ?? []).map(poolIssuerOrPlaceholder), ...(auth.issuers ?? [])];
}

// Replace the verifier's generic "no key source" with the simulator's own finding, in the report and the trace.
function explainMissingKeyUrl(verdict: TokenVerdict, issuer: string): void {
  const message = missingKeyUrlMessage(issuer);
  verdict.report = {
    ...verdict.report,
    checks: verdict.report.checks.map((c) => {
      if (c.id !== 'key' || c.status !== 'fail') return c;
      const explained = { ...c, message };
      if (verdict.failed === c) verdict.failed = explained;
      return explained;
    }),
  };
  const at = verdict.trace.findIndex((t) => t.step === 'token.key');
  if (at >= 0 && verdict.trace[at]?.status === 'fail') verdict.trace[at] = step('token.key', 'fail', message);
  else if (at < 0) verdict.trace.push(step('token.key', 'info', message));
}

/** The trusted issuer a token's `iss` stands for: listed exactly, or any Cognito issuer of a trusted pool. */
function trustedIssuer(auth: AuthorizerConfig, iss: unknown): string | undefined {
  if (typeof iss !== 'string') return undefined;
  if (auth.issuers?.includes(iss)) return iss;
  return (auth.userPools ?? []).some((pool) => isIssuerOfPool(iss, pool)) ? iss : undefined;
}

/**
 * A template pool served by an emulator: `iss` is a loopback emulator issuer for one of the authorizer's pools AND
 * the user gave its key URL (--jwks, authDebugger.jwksUrls). Never from the workspace alone; AWS itself would
 * accept only the pool's cognito-idp issuer, and the trace says so.
 */
function emulatorIssuer(
  auth: AuthorizerConfig,
  iss: unknown,
  keyUrls: UserKeyUrls | undefined,
): string | undefined {
  const emulator = emulatorPoolOfIssuer(iss);
  if (emulator === undefined || typeof iss !== 'string') return undefined;
  if (!(auth.userPools ?? []).includes(emulator.poolId)) return undefined;
  const given =
    keyUrls?.all !== undefined || (keyUrls?.byIssuer !== undefined && Object.hasOwn(keyUrls.byIssuer, iss));
  return given ? iss : undefined;
}

function issuerFormatNote(issuer: string): string | undefined {
  const parsed = parseCognitoIssuer(issuer);
  if (parsed?.format === 'updated')
    return `the token's issuer is user pool ${parsed.poolId}'s in the updated format (issuer-cognito-idp, IssuerConfiguration UPDATED)`;
  if (parsed?.replicaRegion)
    return `the token's issuer names ${parsed.region}, not the pool's own ${parsed.poolRegion}: a multi-Region replica issued it (aws-jwt-verify PR #285; whether API Gateway accepts it is unverified)`;
  return undefined;
}

/** Unsourced partitions: the issuer is recognised by inference, which the trace says. */
export function issuerPartitionNote(issuer: string): string | undefined {
  const partition = parseCognitoIssuer(issuer)?.partition;
  if (partition === 'aws-cn')
    return "unverified: a user pool issuer on amazonaws.com.cn is inferred from the China partition's DNS suffix; no AWS source shows one (the China user guide says user pools are not available in Beijing; only identity pool tokens are documented there)";
  if (partition === 'aws-us-gov')
    return 'unverified: AWS does not document the iss of GovCloud user pools (GovCloud Cognito uses FIPS endpoints, cognito-idp-fips.{region}.amazonaws.com); the cognito-idp form is assumed';
  return undefined;
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
    // Keys not looked at (cache only: Restricted Mode) are shown as the Inspector shows them: skipped.
    if (c.status === 'skip' && c.reason !== 'not-cached') continue;
    out.push(step(`token.${c.id}`, c.status, `${c.message}${detail(c)}`));
  }
  for (const w of report.warnings) out.push(step('token.warning', 'warn', w.message));
  return out;
}

function firstFailure(report: TokenReport, ignore: readonly CheckId[]): Check | undefined {
  const failed = report.checks.find((c) => c.status === 'fail' && !ignore.includes(c.id));
  // A key not looked at is not a failed key, but a signature nobody verified never lets the token through.
  return failed ?? report.checks.find((c) => c.id === 'key' && c.reason === 'not-cached');
}

async function run(
  decoded: DecodeResult,
  options: VerifyOptions,
  ctx: VerifyContext,
  ignore: readonly CheckId[],
): Promise<TokenVerdict> {
  const report = await inspectDecoded(decoded, options, ctx.deps);
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
  decoded: DecodeResult,
  tokenUse: 'id' | 'access' | undefined,
  ctx: VerifyContext,
): Promise<TokenVerdict & { issuer: string }> {
  const issuers = cognitoIssuers(auth);
  const iss = decoded.token.payload?.iss;
  const emulator =
    trustedIssuer(auth, iss) === undefined ? emulatorIssuer(auth, iss, ctx.keyUrls) : undefined;
  const trusted = trustedIssuer(auth, iss) ?? emulator;
  const issuer = trusted ?? issuers[0] ?? '';
  const keySource = jwksSource(auth, issuer, ctx);
  // The method's scopes are compared by the simulator; the report shows them read the way this authorizer does.
  const options: VerifyOptions = {
    ...base(ctx),
    issuer,
    algorithms: ['RS256'],
    scopeRule: 'cognito-authorizer',
  };
  if (keySource) options.keySource = keySource;
  if (tokenUse) options.tokenUse = tokenUse;
  if (auth.clientId !== undefined) options.clientId = auth.clientId;
  const verdict = await run(decoded, options, ctx, ['scope', 'signer', 'client', 'identity']);
  if (!keySource) explainMissingKeyUrl(verdict, issuer);
  const note = trusted === undefined ? undefined : issuerFormatNote(trusted);
  if (note !== undefined) verdict.trace.unshift(step('token.iss', 'info', note));
  const partitionNote = trusted === undefined ? undefined : issuerPartitionNote(trusted);
  if (partitionNote !== undefined) verdict.trace.unshift(step('token.iss', 'warn', partitionNote));
  if (emulator !== undefined)
    verdict.trace.unshift(
      step(
        'token.iss',
        'warn',
        `${displayText(emulator, 120)} is an emulator issuer for pool ${emulatorPoolOfIssuer(emulator)?.poolId ?? ''}, trusted because you gave its key URL (--jwks or authDebugger.jwksUrls); API Gateway accepts only https://cognito-idp.REGION.amazonaws.com/POOL_ID for this pool (local emulation, not AWS behaviour)`,
      ),
    );
  if (issuers.length > 1) {
    verdict.trace.unshift(
      step(
        'token.iss',
        'info',
        trusted !== undefined
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
  decoded: DecodeResult,
  ctx: VerifyContext,
): Promise<TokenVerdict> {
  const issuer = auth.issuer ?? '';
  const keySource = jwksSource(auth, issuer, ctx);
  const audience = auth.audience ?? [];
  const options: VerifyOptions = {
    ...base(ctx),
    issuer,
    audience,
    algorithms: ['RS256'],
    scopeRule: 'jwt-authorizer',
  };
  if (keySource) options.keySource = keySource;
  const ignore: CheckId[] = ['token_use', 'scope', 'signer', 'client', 'identity'];
  const report = await inspectDecoded(decoded, options, ctx.deps);
  const payload = report.payload;
  const audienceChecks = payload ? jwtAudienceChecks(payload, audience) : undefined;
  const checks = report.checks.map((c) => {
    if (c.id === 'aud' && audienceChecks) return audienceChecks.aud;
    if (c.id === 'client_id' && audienceChecks) return audienceChecks.clientId;
    if (c.id === 'iat') return jwtIatCheck(c, ctx.clockSkewSeconds);
    return c;
  });
  const adjusted: TokenReport = { ...report, checks, valid: isValid(checks) };
  const verdict: TokenVerdict = {
    report: adjusted,
    failed: firstFailure(adjusted, ignore),
    trace: traceChecks(adjusted, ctx, ignore),
    claims: report.payload ?? {},
  };
  if (!keySource) explainMissingKeyUrl(verdict, issuer);
  const partitionNote = issuerPartitionNote(issuer);
  if (partitionNote !== undefined) verdict.trace.unshift(step('token.iss', 'warn', partitionNote));
  if (payload && !Object.hasOwn(payload, 'iat')) {
    verdict.trace.push(
      step(
        'token.iat',
        'info',
        'no iat: accepted. AWS documents "iat must be before the current time" but not whether a missing iat is allowed (unverified)',
      ),
    );
  }
  return verdict;
}

/** ALB x-amzn-oidc-data: ES256 over the padded text, signer = the configured ARN, client when known. */
export async function verifyAlbBlob(
  auth: AuthorizerConfig,
  blob: DecodeResult,
  ctx: VerifyContext,
): Promise<TokenVerdict> {
  const options: VerifyOptions = { ...base(ctx), keySource: albKeySource(auth), algorithms: ['ES256'] };
  if (auth.albArn !== undefined) options.albArn = auth.albArn;
  if (auth.clientId !== undefined) options.clientId = auth.clientId;
  return run(blob, options, ctx, ['aud', 'client_id', 'token_use', 'scope', 'identity']);
}
