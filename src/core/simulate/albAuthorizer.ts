// ALB authenticate-cognito / authenticate-oidc: the x-amzn-oidc-data session blob, or the unauthenticated path.
import type { AuthorizerConfig, RouteConfig } from '../config/model.ts';
import { albRedirect, albUnauthorized, backendUnauthorized } from './awsResponses.ts';
import { albHeaders } from './backendContext.ts';
import { lookUpIdentity, openToken } from './openingStep.ts';
import type { SimulationResult } from './result.ts';
import type { AuthorizerSimulator, Run } from './run.ts';
import { rbacAfterAllow } from './run.ts';
import { verifyAlbBlob } from './tokenChecks.ts';

function albLocation(auth: AuthorizerConfig): string {
  const endpoint = auth.authorizationEndpoint ?? 'https://<idp-authorization-endpoint>';
  const params = [
    'response_type=code',
    `client_id=${encodeURIComponent(auth.clientId ?? '<client-id>')}`,
    'redirect_uri=https%3A%2F%2F%3Calb-dns-name%3E%2Foauth2%2Fidpresponse',
    'scope=openid',
    'state=<state>',
  ];
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}${params.join('&')}`;
}

function albUnauthenticated(
  run: Run,
  auth: AuthorizerConfig,
  route: RouteConfig,
  why: string,
  expired: boolean,
): SimulationResult {
  const on = auth.onUnauthenticatedRequest ?? 'authenticate';
  if (on === 'allow') {
    run.add('alb-session', 'info', `${why}; onUnauthenticatedRequest allow: forwarded without claims`);
    return rbacAfterAllow(run, route, {}, { headers: {} }, 'no claims (no x-amzn-oidc-* headers)');
  }
  if (on === 'deny' && !expired) {
    run.add('alb-session', 'fail', `${why}; onUnauthenticatedRequest deny: 401`);
    return run.deny(albUnauthorized(), 'alb-session');
  }
  run.add(
    'alb-session',
    'fail',
    `${why}; ${on === 'deny' ? 'onUnauthenticatedRequest deny, but an expired session still redirects' : 'onUnauthenticatedRequest authenticate'}: 302 to the IdP`,
  );
  if (!auth.authorizationEndpoint)
    run.add('alb-session', 'info', 'authorizationEndpoint is not configured: the Location is a placeholder');
  return run.deny(albRedirect(albLocation(auth)), 'alb-session');
}

export const simulateAlb: AuthorizerSimulator = async ({ run, auth, route }) => {
  const id = lookUpIdentity(run, 'x-amzn-oidc-data');
  if (!id.value) {
    run.add('alb-session', 'info', 'no x-amzn-oidc-data blob: the request has no ALB session');
    return albUnauthenticated(run, auth, route, 'no session', false);
  }
  run.trace.push(...id.notes.map((n) => ({ ...n, step: 'alb-session' })));
  const { token, decoded, ctx } = openToken(run, id.value.token);
  // A Cognito token is never what the ALB sends: it signs in browsers with its session cookie, ignores bearer
  // tokens, and sends the target its own ES256 x-amzn-oidc-data. Said so, instead of an algorithm mismatch.
  const sent = decoded.token.kind;
  if (sent === 'cognito-id' || sent === 'cognito-access') {
    const what = sent === 'cognito-id' ? 'an ID token' : 'an access token';
    run.add(
      'alb-session',
      'info',
      `this is ${what}; the ALB sends \`x-amzn-oidc-data\` (its own ES256 token) to the target and never reads a bearer token, so this request has no ALB session`,
    );
    run.hint = { kind: 'alb-data', sent };
    return albUnauthenticated(run, auth, route, `no ALB session (${what} is not one)`, false);
  }
  const verdict = await verifyAlbBlob(auth, decoded, ctx);
  run.trace.push(...verdict.trace);
  if (verdict.failed) {
    run.failedCheck = verdict.failed;
    if (verdict.failed.id === 'exp')
      return albUnauthenticated(run, auth, route, 'the session has expired', true);
    const why =
      verdict.failed.id === 'signer'
        ? 'the blob was signed by another load balancer: any ALB\'s blob verifies against the regional key, so the signer check is what stops it ("ALBeast")'
        : `x-amzn-oidc-data fails verification (${verdict.failed.id})`;
    run.add('backend', 'fail', `${why}; a backend that verifies the blob as AWS requires answers 401`);
    return run.deny(backendUnauthorized(), 'backend-verification');
  }
  run.add(
    'alb-session',
    'pass',
    'valid x-amzn-oidc-data: the ALB forwards the request with the x-amzn-oidc-* headers',
  );
  const context = albHeaders(token, verdict.claims, id.accessToken);
  return rbacAfterAllow(run, route, verdict.claims, context, 'the claims of x-amzn-oidc-data');
};
