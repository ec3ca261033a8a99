// The answer first: one verdict sentence for a token report, one reason sentence for a simulation.
// Built from data only (check status + reason, the deciding step's check and hint), never from message text.
import type { Check } from '../findings.ts';
import type { TokenReport } from '../types.ts';
import type { DecidingStep, PassHint, SimulationResult } from '../simulate/result.ts';

/** valid: signature verified and nothing failed; not-verified: nothing failed but nobody checked the signature. */
export type VerdictStatus = 'valid' | 'invalid' | 'not-verified' | 'decoded-only';

export interface TokenVerdictText {
  status: VerdictStatus;
  /** "invalid", "valid", "not verified", "decoded only". */
  label: string;
  /** Every failed check, then an unchecked signature, as short phrases. */
  reasons: string[];
  /** The one line: "invalid: signature does not match the key; expired 2 hours ago". */
  sentence: string;
}

const LABELS: Record<VerdictStatus, string> = {
  valid: 'valid',
  invalid: 'invalid',
  'not-verified': 'not verified',
  'decoded-only': 'decoded only',
};

const MAX_VALUE = 60;

function shown(value: string | undefined): string {
  if (value === undefined) return 'absent';
  return value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE - 3)}...` : value;
}

/** "2 hours ago" for a payload time claim, when known. */
type ClaimTime = (name: string) => string | undefined;

function claimTimes(report: TokenReport): ClaimTime {
  return (name) => report.claims.find((c) => c.location === 'payload' && c.name === name)?.time?.relative;
}

const NO_TIMES: ClaimTime = () => undefined;

function actualVsExpected(c: Check): string {
  return `${shown(c.actual)}, expected ${shown(c.expected)}`;
}

/** The part of a load balancer ARN that tells two apart ("app/my-alb/50dc6c495c0c9188"); ARNs are too long to cut. */
function loadBalancer(arn: string | undefined): string {
  if (arn === undefined) return 'absent';
  const at = arn.indexOf(':loadbalancer/');
  return at >= 0 ? shown(arn.slice(at + ':loadbalancer/'.length)) : shown(arn);
}

/** A failed check as a short phrase, by id and typed reason. */
function failurePhrase(c: Check, timeOf: ClaimTime): string {
  switch (c.id) {
    case 'signature':
      return c.reason === 'mismatch' ? 'signature does not match the key' : 'signature not verified';
    case 'key':
      if (c.reason === 'missing') return 'no key for this token';
      if (c.reason === 'ambiguous') return 'several keys fit, none chosen';
      if (c.reason === 'key-fetch-failed') return 'signature not checked: the key endpoint failed';
      if (c.reason === 'no-key-source') return 'signature not checked: no key source';
      return 'the key cannot verify this token';
    case 'exp': {
      if (c.reason === 'expired') {
        const when = timeOf('exp');
        return when === undefined ? 'expired' : `expired ${when}`;
      }
      return c.reason === 'missing' ? 'no exp' : 'exp is malformed';
    }
    case 'nbf': {
      const when = timeOf('nbf');
      return c.reason === 'not-yet-valid' && when !== undefined ? `not valid until ${when}` : 'nbf not met';
    }
    case 'iat':
      return c.reason === 'issued-in-future' ? 'issued in the future' : 'iat is malformed';
    case 'token_use':
      if (c.reason === 'mismatch' && c.expected === 'id')
        return 'this is an access token; an ID token is expected';
      if (c.reason === 'mismatch' && c.expected === 'access')
        return 'this is an ID token; an access token is expected';
      return `token_use is ${shown(c.actual)}, expected ${shown(c.expected)}`;
    case 'format':
      return 'not a well-formed token';
    case 'alg':
      return c.reason === 'unsupported' || c.reason === 'mismatch'
        ? `algorithm ${shown(c.actual)} is not accepted`
        : 'algorithm missing or malformed';
    case 'iss':
    case 'aud':
    case 'client_id':
    case 'scope':
      return c.reason === 'missing' && c.actual === undefined
        ? `no ${c.id}${c.expected === undefined ? '' : ` (expected ${shown(c.expected)})`}`
        : `${c.id === 'iss' ? 'issuer' : c.id} is ${actualVsExpected(c)}`;
    case 'signer':
      return `signed by another load balancer (${loadBalancer(c.actual)}, expected ${loadBalancer(c.expected)})`;
    default:
      return `${c.id} ${c.reason ?? 'failed'}`;
  }
}

/** Why the signature was not checked, when a key was not looked at: as prominent as a failure. */
function uncheckedSignature(report: TokenReport): string | undefined {
  const key = report.checks.find((c) => c.id === 'key');
  if (key?.reason === 'not-cached') return 'signature not checked: keys are not cached';
  if (key?.status !== 'fail' && key?.reason === 'no-key-source')
    return 'signature not checked: no key source';
  return undefined;
}

/** The token's verdict in one sentence naming every failed check. */
export function tokenVerdict(report: TokenReport): TokenVerdictText {
  const failed = report.checks.filter((c) => c.status === 'fail');
  const reasons: string[] = [];
  const timeOf = claimTimes(report);
  for (const c of failed) {
    // A check that only failed because an earlier one did (no key, so no signature) adds nothing.
    if (c.reason === 'depends') continue;
    const phrase = failurePhrase(c, timeOf);
    if (!reasons.includes(phrase)) reasons.push(phrase);
  }
  const unchecked = uncheckedSignature(report);
  if (unchecked !== undefined && !reasons.includes(unchecked)) reasons.push(unchecked);
  const decodedOnly = report.checks.some((c) => c.id === 'signature' && c.reason === 'not-requested');
  const status: VerdictStatus = report.valid
    ? 'valid'
    : failed.length > 0
      ? 'invalid'
      : decodedOnly
        ? 'decoded-only'
        : 'not-verified';
  if (status === 'valid') reasons.push('signature verified, no check failed');
  if (status === 'decoded-only' && reasons.length === 0) reasons.push('the signature was not checked');
  if (status === 'not-verified' && reasons.length === 0) reasons.push('the signature could not be checked');
  if (reasons.length === 0) reasons.push('a check failed');
  const label = LABELS[status];
  return { status, label, reasons, sentence: `${label}: ${reasons.join('; ')}` };
}

function orList(values: readonly string[], joiner: 'or' | 'and'): string {
  if (values.length <= 1) return values[0] ?? '';
  return `${values.slice(0, -1).join(', ')} ${joiner} ${values.at(-1) ?? ''}`;
}

/** What would make the request pass, in words. */
export function passHintText(hint: PassHint): string {
  switch (hint.kind) {
    case 'token-kind':
      return hint.send === 'id'
        ? 'send the ID token (this route has no OAuth scopes, so the Cognito authorizer reads the token as an ID token)'
        : 'send the access token (this route has OAuth scopes, so an access token is required)';
    case 'scope':
      // A Cognito ID token never carries scopes: adding one is not possible, sending the access token is.
      if (hint.tokenUse === 'id')
        return `send the access token with scope ${orList(hint.required, 'or')} (an ID token carries no scopes)`;
      return `add scope ${orList(hint.required, 'or')} to the token`;
    case 'identity':
      return `send the token in the ${hint.header} header`;
    case 'policy':
      if (hint.cachedFrom !== undefined)
        return `the cached policy was returned for ${hint.cachedFrom}: allow every route it is reused for (a wildcard Resource), or set resultTtlSeconds to 0`;
      if (hint.simple) return 'the function must return isAuthorized: true';
      return hint.effect === 'explicit-deny'
        ? `remove or narrow the Deny statement that covers ${hint.resource} (an explicit Deny wins over any Allow)`
        : `the policy must allow execute-api:Invoke on ${hint.resource}`;
    case 'alb-data':
      return 'paste the x-amzn-oidc-data header the target receives (or a header block with it); to sign in at the ALB, a browser session is needed, not a bearer token';
    case 'group':
      return `the route requires group ${orList(hint.required, hint.all ? 'and' : 'or')}; the token has ${hint.has.length ? hint.has.join(', ') : 'no groups'}`;
    case 'claim':
      return `set ${hint.claim} to ${orList(hint.allowed, 'or')}`;
  }
}

export interface SimulationReasonText {
  /** The deciding step in one sentence. */
  reason: string;
  /** What would make it pass, when the data says. */
  fix: string | undefined;
}

function checkFix(c: Check): string | undefined {
  if (c.id === 'exp' && c.reason === 'expired') return 'sign in again or refresh the token';
  if (c.id === 'key' && c.reason === 'not-cached') return 'fetch the keys (the signature was not checked)';
  if (c.id === 'key' && c.reason === 'no-key-source')
    return "give the issuer's key URL: --jwks URL, authDebugger.jwksUrls, or jwks: on the authorizer in authdebug.yaml";
  if (c.id === 'signer' && c.expected !== undefined)
    return `send the x-amzn-oidc-data of load balancer ${c.expected}, or set albArn to the one that signed this token`;
  if ((c.id === 'aud' || c.id === 'client_id') && c.reason === 'mismatch' && c.expected !== undefined)
    return `use a token issued to app client ${c.expected}, or add ${shown(c.actual)} to the authorizer's audience`;
  if (c.id === 'iss' && c.reason === 'mismatch' && c.expected !== undefined)
    return `use a token from issuer ${shown(c.expected)}`;
  return undefined;
}

/** The deciding step in one sentence, from its typed hint or check; the trace line only when neither says more. */
function decidingSentence(result: SimulationResult, deciding: DecidingStep): string {
  const hint = deciding.hint;
  const check = deciding.check;
  if (hint?.kind === 'alb-data') {
    const what = hint.sent === 'cognito-id' ? 'an ID token' : 'an access token';
    return `this is ${what}; the ALB sends \`x-amzn-oidc-data\` (its own signed token) to the target and never reads a bearer token`;
  }
  if (hint?.kind === 'scope') {
    const has = hint.granted.length > 0 ? hint.granted.join(' ') : 'no scopes';
    return `the route requires scope ${orList(hint.required, 'or')}; the token has ${has}`;
  }
  if (hint?.kind === 'identity') return `the request carries no token in the ${hint.header} header`;
  if (hint?.kind === 'group' || hint?.kind === 'claim') {
    // The backend applies a route's RBAC after an allow; a Lambda authorizer applying it denies with its policy.
    const who = deciding.step === 'rbac' ? 'the backend' : 'the Lambda authorizer';
    return hint.kind === 'group'
      ? `${who} refuses with ${result.status}: missing group ${orList(hint.required, hint.all ? 'and' : 'or')}`
      : `${who} refuses with ${result.status}: ${hint.claim} is not ${orList(hint.allowed, 'or')}`;
  }
  if (result.decidedBy === 'route' && result.route === null)
    return `no configured route matches this request: ${deciding.message}`;
  if (check && (result.decidedBy === 'token' || check.reason === 'not-cached'))
    return `the token is refused: ${failurePhraseForCheck(check)}`;
  if (check && result.decidedBy === 'backend-verification')
    return `the backend refuses x-amzn-oidc-data: ${failurePhraseForCheck(check)}`;
  return deciding.message;
}

/** The reason a simulation denied (or that it allowed), with what would make it pass. */
export function simulationReason(result: SimulationResult): SimulationReasonText {
  if (result.decision === 'allow') {
    if (result.decidedBy === 'cors')
      return {
        reason: "the API's CorsConfiguration answers the preflight; no route or authorizer runs",
        fix: undefined,
      };
    return { reason: `allowed by ${result.decidedBy}: the request reaches the backend`, fix: undefined };
  }
  const deciding = result.decidingStep;
  if (!deciding) return { reason: `denied by ${result.decidedBy}`, fix: undefined };
  const check = deciding.check;
  const reason = decidingSentence(result, deciding);
  const fix = deciding.hint
    ? passHintText(deciding.hint)
    : check
      ? checkFix(check)
      : result.decidedBy === 'route'
        ? 'check the method and path: no configured route matches this request'
        : undefined;
  return { reason, fix };
}

// The trace's own exp message carries the relative time ("expired 2 hours ago"); it is shown, never parsed.
function failurePhraseForCheck(c: Check): string {
  if (c.id === 'key' && c.reason === 'not-cached') return 'signature not checked: keys are not cached';
  if (c.id === 'exp' && c.reason === 'expired') return c.message;
  return failurePhrase(c, NO_TIMES);
}
