// REST COGNITO_USER_POOLS authorizer: identity source, token validation expression, token kind, scopes.
import { SCOPE_RULES, matchScopes } from '../claims.ts';
import { TRACE_TRAP } from '../config/traps.ts';
import type { AuthorizerConfig, ApiKind } from '../config/model.ts';
import type { DecodeResult } from '../decode.ts';
import { compileUserRegex } from '../userRegex.ts';
import { OBSERVED_NOTE, authorizerError, cognitoTokenExpired, unauthorized } from './awsResponses.ts';
import { restClaims } from './backendContext.ts';
import { lookUpIdentity, openToken } from './openingStep.ts';
import type { SimulationResult } from './result.ts';
import type { AuthorizerSimulator, Run } from './run.ts';
import { rbacAfterAllow } from './run.ts';
import { verifyCognito } from './tokenChecks.ts';

/**
 * The token validation expression, matched against `aud` before the authorizer runs; undefined = go on,
 * else the result (401 on a mismatch, 500 for an expression API Gateway would not accept).
 */
function validationRegexStep(
  run: Run,
  auth: AuthorizerConfig,
  decoded: DecodeResult,
  kind: ApiKind,
): SimulationResult | undefined {
  if (auth.validationRegex === undefined) return undefined;
  const aud = decoded.token.payload?.aud;
  const expression = compileUserRegex(auth.validationRegex);
  if (!expression.ok && expression.reason === 'invalid') {
    run.add(
      'validation-regex',
      'fail',
      `the token validation expression /${auth.validationRegex}/ is ${expression.message}: API Gateway refuses to create this authorizer; fix the configuration`,
    );
    return run.deny(authorizerError(kind), 'config');
  }
  const outcome = expression.ok && typeof aud === 'string' ? expression.test(aud) : undefined;
  const unusable = !expression.ok ? expression.message : outcome?.ok === false ? outcome.message : undefined;
  if (outcome?.ok && outcome.note) run.add('validation-regex', 'info', outcome.note);
  const ok = typeof aud === 'string' && (unusable !== undefined || (outcome?.ok === true && outcome.matched));
  run.add(
    'validation-regex',
    typeof aud === 'string' && unusable !== undefined ? 'warn' : ok ? 'pass' : 'fail',
    typeof aud === 'string' && unusable !== undefined
      ? `the token validation expression /${auth.validationRegex}/ cannot be evaluated here: ${unusable}. The simulation continues as if it matched aud; AWS (Java regular expressions) may answer 401 instead`
      : ok
        ? `aud ${JSON.stringify(aud)} matches the token validation expression /${auth.validationRegex}/`
        : `the token validation expression /${auth.validationRegex}/ does not match aud (${aud === undefined ? 'absent: access tokens have no aud' : JSON.stringify(aud)}): 401 before the authorizer runs`,
  );
  run.add(
    'validation-regex',
    'info',
    'AWS\'s API reference: for COGNITO_USER_POOLS authorizers the expression is matched against the token\'s aud claim (the project reference says "the token"; aud is what AWS documents and users report)',
  );
  return ok ? undefined : run.deny(unauthorized(kind), 'validation-regex');
}

export const simulateCognito: AuthorizerSimulator = async ({ run, auth, route, kind }) => {
  const header = auth.identitySource ?? 'Authorization';
  const id = lookUpIdentity(run, header);
  run.trace.push(...id.notes);
  if (!id.value) {
    run.add('identity-source', 'info', 'API Gateway answers 401 without running the authorizer');
    run.hint = { kind: 'identity', header };
    return run.deny(unauthorized(kind), 'identity-source');
  }
  if (id.value.scheme) {
    run.add(
      'identity-source',
      'warn',
      `"${id.value.scheme} <token>" works in practice (AWS workshop material) but the reference docs show the raw token only`,
    );
  }
  const { decoded, ctx } = openToken(run, id.value.token);
  const refused = validationRegexStep(run, auth, decoded, kind);
  if (refused) return refused;
  const scopes = route.scopes;
  const tokenUse = scopes.length > 0 ? 'access' : 'id';
  run.add(
    'authorizer',
    'info',
    scopes.length > 0
      ? `the method has OAuth scopes (${scopes.join(', ')}): an access token is required and any one scope is enough`
      : 'the method has no OAuth scopes: the Cognito authorizer treats the token as an ID token',
  );
  const verdict = await verifyCognito(auth, decoded, tokenUse, ctx);
  run.trace.push(...verdict.trace);
  if (verdict.failed) {
    run.failedCheck = verdict.failed;
    const use = verdict.claims.token_use;
    if (verdict.failed.id === 'token_use' && tokenUse === 'id' && use === 'access') {
      run.add('trap', 'warn', TRACE_TRAP.accessTokenWithoutScopes);
      run.hint = { kind: 'token-kind', send: 'id', sent: 'access' };
    } else if (verdict.failed.id === 'token_use' && tokenUse === 'access' && use === 'id') {
      run.add('trap', 'warn', TRACE_TRAP.idTokenWithScopes);
      run.hint = { kind: 'token-kind', send: 'access', sent: 'id' };
    }
    if (verdict.failed.id === 'exp' && verdict.failed.reason === 'expired') {
      run.add(
        'authorizer',
        'fail',
        'the Cognito authorizer refuses the expired token: 401 "The incoming token has expired"',
      );
      run.add('authorizer', 'info', OBSERVED_NOTE.cognitoExpired);
      return run.deny(cognitoTokenExpired(), 'token');
    }
    run.add(
      'authorizer',
      'fail',
      `the Cognito authorizer refuses the token (${verdict.failed.id}): 401 Unauthorized`,
    );
    return run.deny(unauthorized(kind), 'token');
  }
  const claims = verdict.claims;
  if (scopes.length > 0) {
    const rule = SCOPE_RULES['cognito-authorizer'];
    const { granted, hit } = matchScopes(claims, scopes, rule);
    if (!hit) {
      run.hint = { kind: 'scope', required: scopes, granted };
      run.add(
        'scope',
        'fail',
        `none of the method's scopes (${scopes.join(', ')}) is in the token's scope claim (${granted.length ? granted.join(' ') : 'none'}): 401 per AWS docs; ${rule.otherShapes}`,
      );
      run.add(
        'scope',
        'info',
        'one public simulator returns 403 for a scope mismatch; AWS documents 401 for Cognito authorizers',
      );
      return run.deny(unauthorized(kind), 'scope');
    }
    run.add('scope', 'pass', `scope ${hit} granted`);
  }
  run.add('authorizer', 'pass', 'the Cognito authorizer accepts the token');
  // COGNITO_USER_POOLS exists on REST APIs only (simulate.ts refuses it on HTTP APIs), so the claims are REST's.
  run.add(
    'backend',
    'info',
    'claims reach the backend as strings; exp and iat as dates like "Mon Apr 17 23:12:49 UTC 2017" (observed: amazon-cognito-identity-js #92, not documented); lists comma-joined (unverified: no captured payload with several groups)',
  );
  return rbacAfterAllow(run, route, claims, restClaims(claims), 'the verified claims');
};
