// The answer first: one verdict sentence for a token report, one reason sentence for a simulation.
// Built from data only (check status + reason, the deciding step's check and hint), never from message text.
import type { Check } from '../findings.ts';
import type { TokenReport } from '../types.ts';
import type { PassHint, SimulationResult } from '../simulate/result.ts';

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
      return `signed by another load balancer (${actualVsExpected(c)})`;
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
      return `add scope ${orList(hint.required, 'or')}; the token has ${hint.granted.length ? hint.granted.join(' ') : 'no scopes'}`;
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
  return undefined;
}

/** The reason a simulation denied (or that it allowed), with what would make it pass. */
export function simulationReason(result: SimulationResult): SimulationReasonText {
  if (result.decision === 'allow') {
    return { reason: `allowed by ${result.decidedBy}: the request reaches the backend`, fix: undefined };
  }
  const deciding = result.decidingStep;
  if (!deciding) return { reason: `denied by ${result.decidedBy}`, fix: undefined };
  const check = deciding.check;
  const reason =
    check && (result.decidedBy === 'token' || check.reason === 'not-cached')
      ? `the token is refused: ${failurePhraseForCheck(check)}`
      : deciding.message;
  const fix = deciding.hint ? passHintText(deciding.hint) : check ? checkFix(check) : undefined;
  return { reason, fix };
}

// The trace's own exp message carries the relative time ("expired 2 hours ago"); it is shown, never parsed.
function failurePhraseForCheck(c: Check): string {
  if (c.id === 'key' && c.reason === 'not-cached') return 'signature not checked: keys are not cached';
  if (c.id === 'exp' && c.reason === 'expired') return c.message;
  return failurePhrase(c, NO_TIMES);
}
