// API Gateway's JWT authorizer rules that differ from the verifier's own: the audience (aud, else client_id),
// iat before the current time, and the error_description of a refused token.
import { readAudiences } from '../claims.ts';
import type { Check } from '../findings.ts';
import { check } from '../findings.ts';
import type { JsonObject } from '../types.ts';
import { show } from '../verify/showValue.ts';

/**
 * API Gateway's audience rule, whatever kind of token it is (a Cognito access token too): `aud` alone decides when
 * present; `client_id` is compared only when `aud` is absent (AWS "Troubleshooting issues with HTTP API JWT
 * authorizers"). The verifier's own per-kind rule skips `aud` on Cognito access tokens, so it is replaced here.
 */
export function jwtAudienceChecks(
  payload: JsonObject,
  audience: readonly string[],
): { aud: Check; clientId: Check } {
  const reading = readAudiences(payload);
  const expected = audience.join(', ') || '(no audience configured)';
  if ('problem' in reading) {
    return {
      aud: check('aud', 'fail', reading.problem, { actual: show(payload['aud']), reason: 'malformed' }),
      clientId: check('client_id', 'skip', 'not compared: aud is present, so API Gateway evaluates aud', {
        reason: 'not-applicable',
      }),
    };
  }
  if (reading.present) {
    const matched = reading.audiences.some((value) => audience.includes(value));
    const clientId = payload['client_id'];
    const ignored =
      typeof clientId === 'string' && audience.includes(clientId) && !matched
        ? ` (client_id ${show(clientId)} is in the list, but API Gateway validates client_id only when aud is absent)`
        : '';
    return {
      aud: matched
        ? check('aud', 'pass', 'aud matches one of the authorizer audiences', {
            actual: show(payload['aud']),
            expected,
          })
        : check('aud', 'fail', `aud is none of the authorizer audiences${ignored}`, {
            actual: show(payload['aud']),
            expected,
            reason: 'mismatch',
          }),
      clientId: check('client_id', 'skip', 'not compared: aud is present, so API Gateway evaluates aud', {
        actual: clientId === undefined ? undefined : show(clientId),
        reason: 'not-applicable',
      }),
    };
  }
  const clientId = payload['client_id'];
  const skipAud = check('aud', 'skip', 'no aud: API Gateway compares client_id instead', {
    expected,
    reason: 'missing',
  });
  if (clientId === undefined)
    return {
      aud: skipAud,
      clientId: check('client_id', 'fail', 'the token has neither aud nor client_id', {
        expected,
        reason: 'missing',
      }),
    };
  if (typeof clientId !== 'string')
    return {
      aud: skipAud,
      clientId: check('client_id', 'fail', 'client_id must be a string', {
        actual: show(clientId),
        reason: 'malformed',
      }),
    };
  return {
    aud: skipAud,
    clientId: audience.includes(clientId)
      ? check('client_id', 'pass', 'client_id matches one of the authorizer audiences', {
          actual: clientId,
          expected,
        })
      : check('client_id', 'fail', 'client_id is none of the authorizer audiences', {
          actual: clientId,
          expected,
          reason: 'mismatch',
        }),
  };
}

/**
 * `iat` must be before the current time (AWS "Controlling access to HTTP APIs with JWT authorizers"): a token
 * issued in the future is refused, not only warned about. The documented rule names no clock skew; the
 * simulator allows the configured `defaults.clockSkewSeconds` (0 unless set), as it does for `exp` and `nbf`.
 */
export function jwtIatCheck(current: Check, skew: number): Check {
  if (current.reason !== 'issued-in-future') return current;
  return check(
    'iat',
    'fail',
    `${current.message.replace(/: check the clocks$/, '')}: API Gateway requires iat before the current time${skew > 0 ? ` (allowing the configured ${skew} s clock skew)` : ''}`,
    {
      actual: current.actual,
      expected: 'before the current time',
      reason: 'issued-in-future',
    },
  );
}

/** One `error_description` API Gateway puts in `www-authenticate`, the check behind it, and what to look at. */
export interface JwtErrorDescription {
  check: 'aud' | 'exp' | 'iss' | 'nbf' | 'iat' | 'alg' | 'kid' | 'signature' | 'format';
  text: string;
  /** Only the audience text is in AWS's documentation; the others are ours (docs/aws-behaviour.md). */
  documented: boolean;
  whatToCheck: readonly string[];
}

/** Every description the simulator sends, the one list `jwtErrorDescription` and `authdbg explain` read. */
export const JWT_ERROR_DESCRIPTIONS: readonly JwtErrorDescription[] = [
  {
    check: 'aud',
    text: 'the token does not have a valid audience',
    documented: true,
    whatToCheck: [
      "the authorizer's audience list holds the app client id",
      'access tokens carry the client in `client_id`, ID tokens in `aud`',
    ],
  },
  {
    check: 'exp',
    text: 'the token has expired',
    documented: false,
    whatToCheck: ['the token `exp` against the clock'],
  },
  {
    check: 'iss',
    text: 'the token does not have a valid issuer',
    documented: false,
    whatToCheck: ["the authorizer's issuer against the token `iss` (region, pool id, no trailing slash)"],
  },
  {
    check: 'nbf',
    text: 'the token is not valid yet',
    documented: false,
    whatToCheck: ['the token `nbf` and clock skew'],
  },
  {
    check: 'iat',
    text: 'the token was issued in the future',
    documented: false,
    whatToCheck: ['the token `iat` and the clock of the machine that issued it'],
  },
  {
    check: 'alg',
    text: 'the token is not signed with RS256',
    documented: false,
    whatToCheck: ['HTTP API JWT authorizers accept only RS256 tokens'],
  },
  {
    check: 'kid',
    text: 'no key in the issuer JWKS matches the token kid',
    documented: false,
    whatToCheck: [
      'the token comes from the issuer the authorizer names',
      'its keys at ISSUER/.well-known/jwks.json',
    ],
  },
  {
    check: 'signature',
    text: 'the token signature is invalid',
    documented: false,
    whatToCheck: ['the token was not edited', 'it is signed by the issuer the authorizer names'],
  },
  {
    check: 'format',
    text: 'the token is malformed',
    documented: false,
    whatToCheck: ['the Authorization value is `Bearer <JWT>` with three parts'],
  },
];

function describedAs(check: JwtErrorDescription['check']): { text: string; documented: boolean } {
  const found = JWT_ERROR_DESCRIPTIONS.find((description) => description.check === check);
  return { text: found?.text ?? 'the token is malformed', documented: found?.documented ?? false };
}

/** The `error_description` API Gateway puts in `www-authenticate` for a failed JWT check. */
export function jwtErrorDescription(failed: Check): { text: string; documented: boolean } {
  switch (failed.id) {
    case 'aud':
    case 'client_id':
      return describedAs('aud');
    case 'exp':
    case 'iss':
    case 'nbf':
    case 'iat':
    case 'alg':
    case 'signature':
      return describedAs(failed.id);
    case 'kid':
    case 'key':
      return describedAs('kid');
    default:
      return describedAs('format');
  }
}
