// The verification pipeline, in the contract's order: format, alg, kid, key, signature, then the claims.
import { check } from '../findings.ts';
import type { Check, Warning } from '../findings.ts';
import { signatureBytes } from '../decode.ts';
import type { DecodeResult } from '../decode.ts';
import { kindInSentence } from '../kindLabels.ts';
import type { VerifyDeps } from '../keys/types.ts';
import {
  ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  SUPPORTED_ALGORITHMS,
  verifyWithKey,
  verifyWithSecret,
} from '../signature.ts';
import type { SignatureOutcome } from '../signature.ts';
import type { DecodedToken, TokenKind, VerifyOptions } from '../types.ts';
import {
  audCheck,
  claimTypesCheck,
  clientCheck,
  clientIdCheck,
  issCheck,
  scopeCheck,
  signerCheck,
  tokenUseCheck,
} from './claimChecks.ts';
import { kidCheck, refineKid, resolveKeys } from './keyResolution.ts';
import type { ResolvedKeys } from './keyResolution.ts';
import { show } from './showValue.ts';
import { expCheck, iatCheck, nbfCheck } from './timeChecks.ts';

/** Checks and the warnings that verification (as opposed to decoding) raises. */
export interface VerifyOutcome {
  checks: Check[];
  warnings: Warning[];
}

/** Run every check on a decoded token. Never throws; network failures become failed checks. */
export async function verifyDecoded(
  decoded: DecodeResult,
  options: VerifyOptions,
  deps: VerifyDeps,
): Promise<VerifyOutcome> {
  const checks: Check[] = [decoded.format];
  const warnings: Warning[] = [];
  if (decoded.format.status === 'fail') return { checks, warnings };
  const token = decoded.token;
  const header = token.header ?? {};
  const payload = token.payload ?? {};
  const skew = Number.isFinite(options.clockSkewSeconds) ? Math.max(0, options.clockSkewSeconds ?? 0) : 0;

  const alg = algCheck(token, options);
  checks.push(alg.check);
  const kid = kidCheck(token, options);
  const keys = alg.alg === undefined ? undefined : await resolveKeys(token, alg.alg, options, deps, warnings);
  checks.push(kid.status === 'fail' || !keys ? kid : refineKid(kid, keys));
  checks.push(
    keys
      ? keys.check
      : check('key', 'skip', 'not looked up: the algorithm is not acceptable', { reason: 'depends' }),
  );
  checks.push(signatureCheck(token, alg.alg, keys));

  checks.push(issCheck(token.kind, payload, options));
  checks.push(audCheck(token.kind, payload, options));
  checks.push(clientIdCheck(token.kind, payload, options));
  checks.push(tokenUseCheck(token.kind, payload, options));
  checks.push(expCheck(token.kind, header, payload, options.now, skew));
  checks.push(nbfCheck(payload, options.now, skew));
  checks.push(iatCheck(token.kind, payload, options.now, skew));
  checks.push(claimTypesCheck(payload));
  checks.push(scopeCheck(token.kind, payload, options));
  checks.push(signerCheck(token.kind, header, options));
  checks.push(clientCheck(token.kind, header, options));
  return { checks, warnings };
}

/** True when no check failed and the signature was actually verified. */
export function isValid(checks: readonly Check[]): boolean {
  return (
    checks.every((c) => c.status !== 'fail') &&
    checks.some((c) => c.id === 'signature' && c.status === 'pass')
  );
}

function algCheck(token: DecodedToken, options: VerifyOptions): { check: Check; alg: string | undefined } {
  const alg = token.header?.['alg'];
  if (alg === undefined)
    return { check: check('alg', 'fail', 'the header has no alg', { reason: 'missing' }), alg: undefined };
  if (typeof alg !== 'string') {
    return {
      check: check('alg', 'fail', 'alg must be a string', { actual: show(alg), reason: 'malformed' }),
      alg: undefined,
    };
  }
  if (/^none$/i.test(alg)) {
    return {
      check: check('alg', 'fail', 'alg "none" means unsigned: never accepted', {
        actual: alg,
        reason: 'unsupported',
      }),
      alg: undefined,
    };
  }
  const defaults = options.algorithms ? undefined : defaultAlgorithms(token.kind, options);
  const allowed = defaults?.list ?? allowedAlgorithms(token.kind, options);
  const expected = defaults?.expected ?? allowed.join(', ');
  if (!allowed.includes(alg)) {
    const hmacWithoutSecret = options.keySource?.type !== 'secret' && HMAC_ALGORITHMS.includes(alg);
    const why = hmacWithoutSecret
      ? ': HMAC algorithms are only accepted with an explicit secret (a public key used as an HMAC secret is the classic confusion attack)'
      : '';
    return {
      check: check('alg', 'fail', `${show(alg)} is not allowed for ${kindInSentence(token.kind)}${why}`, {
        actual: alg,
        expected,
        // An algorithm we implement but do not accept here is a mismatch; one we never implement, unsupported.
        reason: SUPPORTED_ALGORITHMS.includes(alg) && !hmacWithoutSecret ? 'mismatch' : 'unsupported',
      }),
      alg: undefined,
    };
  }
  let passed = defaults?.passed.get(alg);
  if (passed === undefined) {
    passed = check('alg', 'pass', `${alg} is allowed for ${kindInSentence(token.kind)}`, {
      actual: alg,
      expected,
    });
    // Only allowed algs get here, so the memo holds at most the default list.
    if (defaults) defaults.passed.set(alg, Object.freeze(passed));
  }
  return { check: passed, alg };
}

/** A kind's default algorithms, their text, and the passed alg check for each (shared and frozen). */
interface DefaultAlgorithms {
  list: readonly string[];
  expected: string;
  passed: Map<string, Check>;
}

const defaultAlgorithmsMemo = new Map<string, DefaultAlgorithms>();

/** allowedAlgorithms without `options.algorithms`, which depends on the kind and "secret or not" only. */
function defaultAlgorithms(kind: TokenKind, options: VerifyOptions): DefaultAlgorithms {
  const memoKey = options.keySource?.type === 'secret' ? `secret ${kind}` : kind;
  let defaults = defaultAlgorithmsMemo.get(memoKey);
  if (defaults === undefined) {
    const list = Object.freeze(allowedAlgorithms(kind, { ...options, algorithms: undefined }));
    defaults = { list, expected: list.join(', '), passed: new Map() };
    // Kinds are a closed set: at most twice their number of entries.
    defaultAlgorithmsMemo.set(memoKey, defaults);
  }
  return defaults;
}

/** RS256 for Cognito, ES256 for ALB blobs, HS* only with a secret, `none` never. */
export function allowedAlgorithms(kind: TokenKind, options: VerifyOptions): string[] {
  const secret = options.keySource?.type === 'secret';
  if (options.algorithms) {
    return options.algorithms.filter(
      (alg) => !/^none$/i.test(alg) && (secret || !HMAC_ALGORITHMS.includes(alg)),
    );
  }
  if (kind === 'cognito-id' || kind === 'cognito-access') return ['RS256'];
  if (kind === 'alb-data') return ['ES256'];
  return secret ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
}

function signatureCheck(token: DecodedToken, alg: string | undefined, keys: ResolvedKeys | undefined): Check {
  if (alg === undefined)
    return check('signature', 'fail', 'not verified: the algorithm is not acceptable', { reason: 'depends' });
  if (!keys || keys.check.status === 'skip')
    return check('signature', 'skip', 'not checked: no key available here', { reason: 'depends' });
  let outcome: SignatureOutcome;
  const signature = signatureBytes(token);
  if (keys.secret) outcome = verifyWithSecret(alg, token.signingInput, signature, keys.secret);
  else if (keys.key) outcome = verifyWithKey(alg, token.signingInput, signature, keys.key.keyObject);
  else return check('signature', 'fail', 'not verified: no usable key', { reason: 'depends' });
  if (!outcome.ok) return check('signature', 'fail', outcome.message, { reason: outcome.reason });
  return passedSignature(alg, token.padded);
}

/** Passed signature checks by alg (only algs that verified get here: a short list) and padding, shared and frozen. */
const passedSignatures = [new Map<string, Check>(), new Map<string, Check>()] as const;

function passedSignature(alg: string, padded: boolean): Check {
  const memo = passedSignatures[padded ? 1 : 0];
  let passed = memo.get(alg);
  if (passed === undefined) {
    const over = padded ? ' (over the padded segments, as the ALB signs)' : '';
    passed = Object.freeze(check('signature', 'pass', `valid ${alg} signature${over}`));
    memo.set(alg, passed);
  }
  return passed;
}
