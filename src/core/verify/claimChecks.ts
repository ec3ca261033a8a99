// Claim checks: what the payload (and the ALB header) says against what the options expect.
// The time claims (exp, nbf, iat) have their own module, timeChecks.ts.
import {
  SCOPE_RULES,
  defaultScopeRule,
  matchScopes,
  readAudiences,
  readScopes,
  registeredClaimProblems,
} from '../claims.ts';
import { check } from '../findings.ts';
import type { Check } from '../findings.ts';
import { kindInSentence } from '../kindLabels.ts';
import { trimTrailingSlashes } from '../textScan.ts';
import type { JsonObject, TokenKind, VerifyOptions } from '../types.ts';
import { LastPassed, fixed } from './sharedChecks.ts';
import { show, shortText } from './showValue.ts';

export function issCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const iss = payload['iss'];
  if (iss !== undefined && typeof iss !== 'string') {
    return check('iss', 'fail', 'iss must be a string', {
      actual: show(iss),
      expected: options.issuer,
      reason: 'malformed',
    });
  }
  if (options.issuer !== undefined) {
    if (iss === options.issuer) return issuerMatches.get(options.issuer, issuerPassed);
    return check(
      'iss',
      'fail',
      iss === undefined ? 'the token has no iss' : issuerDifference(iss, options.issuer),
      {
        actual: iss === undefined ? undefined : shortText(iss),
        expected: options.issuer,
        reason: iss === undefined ? 'missing' : 'mismatch',
      },
    );
  }
  if (iss === undefined)
    return check('iss', kind === 'jwt' ? 'skip' : 'warn', 'no iss claim and no expected issuer', {
      reason: 'missing',
    });
  if (kind === 'cognito-id' || kind === 'cognito-access') {
    return check(
      'iss',
      'warn',
      'issuer not pinned: a token from any user pool would pass; give the expected issuer',
      { actual: shortText(iss), reason: 'not-configured' },
    );
  }
  return check('iss', 'skip', 'not compared: no expected issuer given', {
    actual: shortText(iss),
    reason: 'not-configured',
  });
}

function issuerDifference(actual: string, expected: string): string {
  if (trimTrailingSlashes(actual) === trimTrailingSlashes(expected))
    return 'issuer differs by a trailing slash (compared exactly)';
  if (actual.toLowerCase() === expected.toLowerCase())
    return 'issuer differs only in letter case (compared exactly)';

  if (/[^\x00-\x7f]/.test(actual)) return 'issuer differs: it contains non-ASCII look-alike characters';
  return 'issuer differs from the expected one';
}

export function audCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const aud = payload['aud'];
  const reading = readAudiences(payload);
  if ('problem' in reading)
    return check('aud', 'fail', reading.problem, { actual: show(aud), reason: 'malformed' });
  const audiences = reading.present ? reading.audiences : undefined;
  const expected =
    options.audience ??
    (options.clientId === undefined || kind === 'alb-data' ? undefined : [options.clientId]);
  if (kind === 'cognito-access') {
    return check('aud', 'skip', 'access tokens carry client_id instead of aud', {
      actual: aud === undefined ? undefined : show(aud),
      reason: 'not-applicable',
    });
  }
  if (kind === 'alb-data') return AUD_SKIP_ALB;
  if (!expected) {
    return check('aud', 'skip', 'not compared: no expected audience or client id given', {
      actual: aud === undefined ? undefined : show(aud),
      reason: 'not-configured',
    });
  }
  if (audiences === undefined) {
    if (kind === 'jwt')
      return check('aud', 'skip', 'no aud: client_id is compared instead (as API Gateway does)', {
        expected: expected.join(', '),
        reason: 'missing',
      });
    return check('aud', 'fail', 'the ID token has no aud', {
      expected: expected.join(', '),
      reason: 'missing',
    });
  }
  const matched = audiences.find((value) => expected.includes(value));
  return matched
    ? check('aud', 'pass', 'audience matches', { actual: show(aud), expected: expected.join(', ') })
    : check('aud', 'fail', 'the token is for another audience (app client)', {
        actual: show(aud),
        expected: expected.join(', '),
        reason: 'mismatch',
      });
}

export function clientIdCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const clientId = payload['client_id'];
  if (kind === 'cognito-id') return CLIENT_ID_SKIP_ID_TOKEN;
  if (kind === 'alb-data') return CLIENT_ID_SKIP_ALB;
  const audCompared = kind !== 'cognito-access' && payload['aud'] !== undefined;
  const expected =
    kind === 'cognito-access'
      ? options.clientId === undefined
        ? options.audience
        : [options.clientId]
      : audCompared
        ? undefined
        : (options.audience ?? (options.clientId === undefined ? undefined : [options.clientId]));
  if (!expected) {
    // A generic JWT with an aud is compared on aud (as API Gateway does): client_id does not apply then.
    return check('client_id', 'skip', 'not compared', {
      actual: clientId === undefined ? undefined : show(clientId),
      reason: audCompared ? 'not-applicable' : 'not-configured',
    });
  }
  if (clientId === undefined)
    return check('client_id', 'fail', 'the token has no client_id', {
      expected: expected.join(', '),
      reason: 'missing',
    });
  if (typeof clientId !== 'string')
    return check('client_id', 'fail', 'client_id must be a string', {
      actual: show(clientId),
      reason: 'malformed',
    });
  return expected.includes(clientId)
    ? check('client_id', 'pass', 'client_id matches', { actual: clientId, expected: expected.join(', ') })
    : check('client_id', 'fail', 'the token was issued to another app client', {
        actual: clientId,
        expected: expected.join(', '),
        reason: 'mismatch',
      });
}

export function tokenUseCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const use = payload['token_use'];
  const expected = options.tokenUse;
  if (expected === undefined) {
    if (kind === 'cognito-id' || kind === 'cognito-access') {
      return check('token_use', 'skip', `not compared: this is ${kindInSentence(kind)}`, {
        actual: show(use),
        reason: 'not-configured',
      });
    }
    return TOKEN_USE_SKIP_NOT_COGNITO;
  }
  if (use === expected) return tokenUseMatches.get(expected, tokenUsePassed);
  const wrong =
    use === 'access' && expected === 'id'
      ? 'wrong token kind: this is an access token but an ID token is expected (e.g. an API Gateway Cognito authorizer on a method without OAuth scopes)'
      : use === 'id' && expected === 'access'
        ? 'wrong token kind: this is an ID token but an access token is expected (e.g. a method with OAuth scopes)'
        : `wrong token kind: token_use must be "${expected}"`;
  return check('token_use', 'fail', wrong, {
    actual: use === undefined ? undefined : show(use),
    expected,
    reason: use === undefined ? 'missing' : typeof use === 'string' ? 'mismatch' : 'malformed',
  });
}

/** RFC 7519 §4.1: `sub` and `jti` are strings (iss, aud and the NumericDates have checks of their own). */
export function claimTypesCheck(payload: JsonObject): Check {
  const hasSub = Object.hasOwn(payload, 'sub');
  const hasJti = Object.hasOwn(payload, 'jti');
  // registeredClaimProblems names the problems; strings (the usual case) have none, so it is asked only otherwise.
  if ((hasSub && typeof payload['sub'] !== 'string') || (hasJti && typeof payload['jti'] !== 'string')) {
    const problems = registeredClaimProblems(payload);
    if (problems.length > 0)
      return check('claim_types', 'fail', problems.join('; '), { reason: 'malformed' });
  }
  if (!hasSub && !hasJti) return CLAIM_TYPES_NONE;
  return hasSub ? (hasJti ? CLAIM_TYPES_BOTH : CLAIM_TYPES_SUB) : CLAIM_TYPES_JTI;
}

// Passed checks that depend on one expected value only: the last one is kept (sharedChecks.ts).
const issuerMatches = new LastPassed();
const tokenUseMatches = new LastPassed();
const signerMatches = new LastPassed();
const clientMatches = new LastPassed();
const issuerPassed = (issuer: string): Check =>
  check('iss', 'pass', 'issuer matches exactly', { actual: issuer, expected: issuer });
const tokenUsePassed = (use: string): Check =>
  check('token_use', 'pass', `${use} token, as expected`, { actual: use, expected: use });
const signerPassed = (arn: string): Check =>
  check('signer', 'pass', 'signed by the expected load balancer', { actual: arn, expected: arn });
const clientPassed = (id: string): Check =>
  check('client', 'pass', 'app client matches', { actual: id, expected: id });

// Checks whose every field is fixed: built once (sharedChecks.ts).
const AUD_SKIP_ALB = fixed(
  'aud',
  'skip',
  'ALB tokens have no audience: signer and client identify them',
  'not-applicable',
);
const CLIENT_ID_SKIP_ID_TOKEN = fixed(
  'client_id',
  'skip',
  'ID tokens carry aud instead of client_id',
  'not-applicable',
);
const CLIENT_ID_SKIP_ALB = fixed(
  'client_id',
  'skip',
  'ALB tokens carry the client in their header',
  'not-applicable',
);
const TOKEN_USE_SKIP_NOT_COGNITO = fixed('token_use', 'skip', 'not a Cognito token', 'not-applicable');
const CLAIM_TYPES_NONE = fixed('claim_types', 'skip', 'no sub or jti claim', 'missing');
const SIGNER_SKIP_NOT_ALB = fixed('signer', 'skip', 'only ALB tokens have a signer', 'not-applicable');
const CLIENT_SKIP_NOT_ALB = fixed('client', 'skip', 'only ALB tokens have a client header', 'not-applicable');

// The passed claim_types checks: three fixed texts.
const CLAIM_TYPES_BOTH = fixed('claim_types', 'pass', 'sub and jti are strings (RFC 7519)');
const CLAIM_TYPES_SUB = fixed('claim_types', 'pass', 'sub is a string (RFC 7519)');
const CLAIM_TYPES_JTI = fixed('claim_types', 'pass', 'jti is a string (RFC 7519)');

/** Scopes for display: every usable `scope`/`scp` shape (the JWT authorizer's reading, the most inclusive). */
export function tokenScopes(payload: JsonObject): string[] | undefined {
  return readScopes(payload, SCOPE_RULES['jwt-authorizer']).scopes;
}

export function scopeCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const rule = SCOPE_RULES[options.scopeRule ?? defaultScopeRule(kind)];
  const required = options.requiredScopes;
  if (!required || required.length === 0) {
    return check('scope', 'skip', 'no scopes required', {
      actual: readScopes(payload, rule).scopes?.join(' '),
      reason: 'not-configured',
    });
  }
  const match = matchScopes(payload, required, rule);
  const expected = `any of: ${required.join(' ')}`;
  const unread = match.ignored.length > 0 ? ` (${match.ignored.join('; ')})` : '';
  if (match.noScopeClaim) {
    const why =
      kind === 'cognito-id'
        ? 'ID tokens carry no scopes: send the access token'
        : `no scope claim ${rule.reader} reads${unread}`;
    return check('scope', 'fail', `${why}; ${rule.otherShapes}`, { expected, reason: 'missing' });
  }
  const actual = match.granted.join(' ');
  return match.hit !== undefined
    ? check('scope', 'pass', `has ${match.hit} (scopes read as ${rule.reader} reads them)`, {
        actual,
        expected,
      })
    : check(
        'scope',
        'fail',
        `none of the required scopes is granted as ${rule.reader} reads scopes${unread}; ${rule.otherShapes}`,
        { actual, expected, reason: 'mismatch' },
      );
}

export function signerCheck(kind: TokenKind, header: JsonObject, options: VerifyOptions): Check {
  if (kind !== 'alb-data') return SIGNER_SKIP_NOT_ALB;
  const signer = header['signer'];
  if (options.albArn === undefined) {
    return check(
      'signer',
      'warn',
      "signer not checked: give the expected load balancer ARN (any ALB's token verifies against the regional key)",
      { actual: show(signer), reason: 'not-configured' },
    );
  }
  return signer === options.albArn
    ? signerMatches.get(options.albArn, signerPassed)
    : check('signer', 'fail', 'signed by a different load balancer', {
        actual: show(signer),
        expected: options.albArn,
        reason: signer === undefined ? 'missing' : 'mismatch',
      });
}

export function clientCheck(kind: TokenKind, header: JsonObject, options: VerifyOptions): Check {
  if (kind !== 'alb-data') return CLIENT_SKIP_NOT_ALB;
  const client = header['client'];
  if (options.clientId === undefined)
    return check('client', 'skip', 'not compared: no client id given', {
      actual: show(client),
      reason: 'not-configured',
    });
  return client === options.clientId
    ? clientMatches.get(options.clientId, clientPassed)
    : check('client', 'fail', 'the ALB authenticated with another app client', {
        actual: show(client),
        expected: options.clientId,
        reason: client === undefined ? 'missing' : 'mismatch',
      });
}

/** Header blocks: x-amzn-oidc-identity must name the same user as the data blob's sub. */
export function identityCheck(identity: string, payload: JsonObject | null): Check {
  const sub = payload?.['sub'];
  return sub === identity
    ? check('identity', 'pass', "x-amzn-oidc-identity equals the data blob's sub", {
        actual: identity,
        expected: sub,
      })
    : check('identity', 'fail', "x-amzn-oidc-identity differs from the data blob's sub", {
        actual: identity.slice(0, 120),
        expected: typeof sub === 'string' ? sub : JSON.stringify(sub ?? null),
        reason: sub === undefined ? 'missing' : 'mismatch',
      });
}
