// HTTP API (and REST) JWT authorizer: identity source, issuer/audience/signature checks, route scopes (403).
import { SCOPE_RULES, matchScopes } from '../claims.ts';
import { OBSERVED_NOTE, forbidden, jwtChallenge, unauthorized } from './awsResponses.ts';
import { httpJwtClaims, nullClaimNames, restJwtClaims } from './backendContext.ts';
import { lookUpIdentity, openToken } from './openingStep.ts';
import type { AuthorizerSimulator } from './run.ts';
import { rbacAfterAllow } from './run.ts';
import { jwtErrorDescription } from './jwtAuthorizerRules.ts';
import { verifyJwt } from './tokenChecks.ts';

export const simulateJwt: AuthorizerSimulator = async ({ run, auth, route, kind }) => {
  const header = auth.identitySource ?? 'Authorization';
  const id = lookUpIdentity(run, header);
  run.trace.push(...id.notes);
  if (!id.value) {
    run.add(
      'identity-source',
      'info',
      'API Gateway answers 401 without running the JWT checks (no www-authenticate error is simulated)',
    );
    run.hint = { kind: 'identity', header };
    return run.deny(unauthorized(kind), 'identity-source');
  }
  const { decoded, ctx } = openToken(run, id.value.token);
  const verdict = await verifyJwt(auth, decoded, ctx);
  run.trace.push(...verdict.trace);
  if (verdict.failed) {
    run.failedCheck = verdict.failed;
    const description = jwtErrorDescription(verdict.failed);
    run.add(
      'authorizer',
      'fail',
      `the JWT authorizer refuses the token (${verdict.failed.id}): 401 with error_description "${description.text}"`,
    );
    if (!description.documented) {
      run.add(
        'authorizer',
        'info',
        'AWS documents only "the token does not have a valid audience"; this error_description wording is the simulator\'s',
      );
    }
    return run.deny(unauthorized(kind, jwtChallenge(description.text)), 'token');
  }
  const claims = verdict.claims;
  if (route.scopes.length > 0) {
    const rule = SCOPE_RULES['jwt-authorizer'];
    const { granted, hit } = matchScopes(claims, route.scopes, rule);
    if (!hit) {
      const tokenUse = claims.token_use;
      run.hint = {
        kind: 'scope',
        required: route.scopes,
        granted,
        ...(typeof tokenUse === 'string' ? { tokenUse } : {}),
      };
      run.add(
        'scope',
        'fail',
        `none of the route's scopes (${route.scopes.join(', ')}) is in scope/scp (${granted.length ? granted.join(' ') : 'none'}): 403 Forbidden; ${rule.otherShapes}`,
      );
      run.add('scope', 'info', OBSERVED_NOTE.jwtScope403);
      return run.deny(forbidden(kind), 'scope');
    }
    run.add('scope', 'pass', `scope ${hit} granted`);
  }
  run.add('authorizer', 'pass', 'the JWT authorizer accepts the token');
  if (kind === 'rest') {
    // The REST JWT authorizer has its own shape (several issuers); a v2-shaped one is read as its single issuer.
    run.add(
      'backend',
      'info',
      'REST JWT authorizer: top-level claims reach the integration with their JSON types (AWS "Pass JWT claims to your integration")',
    );
    return rbacAfterAllow(run, route, claims, restJwtClaims(claims), 'the verified claims');
  }
  if (route.scopes.length === 0) {
    run.add(
      'backend',
      'info',
      'the route requires no scopes, so jwt.scopes is null whatever the token carries (observed: DefinitelyTyped #75458, aws/serverless-java-container #407; not documented)',
    );
  }
  const nulls = nullClaimNames(claims);
  if (nulls.length > 0) {
    run.add(
      'backend',
      'warn',
      `unverified (not documented; no capture of AWS found): ${nulls.join(', ')} ${nulls.length === 1 ? 'is' : 'are'} JSON null in the token; the simulator passes the text "null", but whether AWS sends "null", "" or drops the claim is not known (captures show every other value as a string)`,
    );
  }
  const context = httpJwtClaims(claims, route.scopes);
  return rbacAfterAllow(run, route, claims, context, 'the verified claims');
};
