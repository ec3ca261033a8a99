// The simulator: what AWS decides for a route, a token and an authorizer configuration, step by step.
import { decodeReport } from '../inspect.ts';
import { compileUserRegex } from '../userRegex.ts';
import type { VerifyDeps } from '../keys/types.ts';
import type { JsonObject } from '../types.ts';
import type { HttpReply } from './awsResponses.ts';
import {
  OBSERVED_NOTE,
  albRedirect,
  albUnauthorized,
  authorizerError,
  backendForbidden,
  backendUnauthorized,
  forbidden,
  forwarded,
  jwtChallenge,
  policyDenied,
  unauthorized,
} from './awsResponses.ts';
import { albHeaders, httpJwtClaims, lambdaContext, restClaims } from './backendContext.ts';
import { evaluateAuthorizerOutput, methodArn, resolvePolicyPlaceholders } from './iamPolicy.ts';
import { findIdentity } from './identitySource.ts';
import type { ApiKind, AuthorizerConfig, RouteConfig, SimConfig } from '../config/model.ts';
import { SCOPE_RULES, matchScopes } from '../claims.ts';
import { evaluateRbac } from './rbac.ts';
import type {
  AuthorizerInfo,
  DecidedBy,
  MatchedRouteInfo,
  SimulationOptions,
  SimulationRequest,
  SimulationResult,
  TraceStep,
  UserKeyUrls,
} from './result.ts';
import { step } from './result.ts';
import { matchRoute, parseRequestLine } from './routeMatch.ts';
import type { TokenVerdict, VerifyContext } from './tokenChecks.ts';
import { jwtErrorDescription, verifyAlbBlob, verifyCognito, verifyJwt } from './tokenChecks.ts';
import { editToken, hasEdits } from './whatIf.ts';

export type { SimulationRequest, SimulationResult, SimulationOptions } from './result.ts';

/** One simulation in progress: collects the trace and builds the result. */
class Run {
  readonly trace: TraceStep[] = [];
  route: MatchedRouteInfo | null = null;
  authorizer: AuthorizerInfo | null = null;
  whatIf: SimulationResult['whatIf'];
  readonly baseCtx: VerifyContext;

  constructor(
    readonly request: SimulationRequest,
    readonly now: number,
    deps: VerifyDeps,
    keyUrls?: UserKeyUrls,
  ) {
    this.baseCtx = {
      now,
      clockSkewSeconds: request.config.defaults.clockSkewSeconds,
      signatureSkipped: false,
      deps,
      keyUrls,
    };
  }

  add(name: string, status: TraceStep['status'], message: string): void {
    this.trace.push(step(name, status, message));
  }

  result(
    decision: 'allow' | 'deny',
    reply: HttpReply,
    decidedBy: DecidedBy,
    backendContext: JsonObject | null,
  ): SimulationResult {
    this.add(
      'decision',
      decision === 'allow' ? 'pass' : 'fail',
      decision === 'allow'
        ? `ALLOW: the request reaches the backend (decided by ${decidedBy})`
        : `DENY: ${reply.status}${reply.body === '' ? '' : ` ${reply.body.length > 200 ? `${reply.body.slice(0, 200)}...` : reply.body}`} (decided by ${decidedBy})`,
    );
    const result: SimulationResult = {
      decision,
      status: reply.status,
      body: reply.body,
      headers: reply.headers,
      authorizer: this.authorizer,
      route: this.route,
      trace: this.trace,
      backendContext,
      decidedBy,
    };
    if (this.whatIf) result.whatIf = this.whatIf;
    return result;
  }

  deny(reply: HttpReply, decidedBy: DecidedBy, backendContext: JsonObject | null = null): SimulationResult {
    return this.result('deny', reply, decidedBy, backendContext);
  }

  /** Apply what-if edits to the token found in the identity source (once). */
  prepare(token: string): { token: string; ctx: VerifyContext } {
    const edits = this.request.whatIf;
    if (!hasEdits(edits) || edits === undefined) return { token, ctx: this.baseCtx };
    const edited = editToken(token, edits, this.now);
    if (!edited.ok) {
      this.add('what-if', 'warn', `${edited.message}: edits ignored`);
      return { token, ctx: this.baseCtx };
    }
    this.whatIf = { edited: true, signatureSkipped: true, edits: edited.edits };
    this.add(
      'what-if',
      'warn',
      `claims edited (${edited.edits.join('; ')}): the decision runs on the edited claims and the signature check is skipped${
        edited.resigned
          ? ''
          : ` (alg ${JSON.stringify(decodeReport(token, this.now).header?.alg ?? null)} is kept as is)`
      }`,
    );
    return {
      token: edited.token,
      ctx: { ...this.baseCtx, signatureSkipped: true, deps: { keys: edited.keys } },
    };
  }
}

function rbacAfterAllow(
  run: Run,
  route: RouteConfig,
  claims: Record<string, unknown>,
  backendContext: JsonObject,
  source: string,
): SimulationResult {
  if (!route.rbac || Object.keys(route.rbac).length === 0) {
    return run.result('allow', forwarded(), 'authorizer', backendContext);
  }
  run.add('rbac', 'info', `the backend applies the route's RBAC rules to ${source}`);
  const outcome = evaluateRbac(route.rbac, claims);
  run.trace.push(...outcome.trace);
  if (!outcome.ok) {
    run.add('rbac', 'fail', `the backend refuses with 403: missing ${outcome.missing ?? 'requirement'}`);
    return run.deny(backendForbidden(), 'rbac', backendContext);
  }
  return run.result('allow', forwarded(), 'rbac', backendContext);
}

async function simulateCognito(
  run: Run,
  auth: AuthorizerConfig,
  route: RouteConfig,
  kind: ApiKind,
): Promise<SimulationResult> {
  const header = auth.identitySource ?? 'Authorization';
  const id = findIdentity(run.request.token, header);
  run.trace.push(...id.notes);
  if (!id.value) {
    run.add('identity-source', 'info', 'API Gateway answers 401 without running the authorizer');
    return run.deny(unauthorized(kind), 'identity-source');
  }
  if (id.value.scheme) {
    run.add(
      'identity-source',
      'warn',
      `"${id.value.scheme} <token>" works in practice (AWS workshop material) but the reference docs show the raw token only`,
    );
  }
  const { token, ctx } = run.prepare(id.value.token);
  if (auth.validationRegex !== undefined) {
    const aud = decodeReport(token, run.now).payload?.aud;
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
    const unusable = !expression.ok
      ? expression.message
      : outcome?.ok === false
        ? outcome.message
        : undefined;
    if (outcome?.ok && outcome.note) run.add('validation-regex', 'info', outcome.note);
    const ok =
      typeof aud === 'string' && (unusable !== undefined || (outcome?.ok === true && outcome.matched));
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
    if (!ok) return run.deny(unauthorized(kind), 'validation-regex');
  }
  const scopes = route.scopes;
  const tokenUse = scopes.length > 0 ? 'access' : 'id';
  run.add(
    'authorizer',
    'info',
    scopes.length > 0
      ? `the method has OAuth scopes (${scopes.join(', ')}): an access token is required and any one scope is enough`
      : 'the method has no OAuth scopes: the Cognito authorizer treats the token as an ID token',
  );
  const verdict = await verifyCognito(auth, token, tokenUse, ctx);
  run.trace.push(...verdict.trace);
  if (verdict.failed) {
    const use = verdict.claims.token_use;
    if (verdict.failed.id === 'token_use' && tokenUse === 'id' && use === 'access') {
      run.add(
        'trap',
        'warn',
        'Classic trap: an access token sent to a method without OAuth scopes. Without scopes API Gateway expects an ID token, and an access token (no aud) gets 401. Send the ID token, or add scopes to the method so the access token is the one required.',
      );
    } else if (verdict.failed.id === 'token_use' && tokenUse === 'access' && use === 'id') {
      run.add(
        'trap',
        'warn',
        'An ID token sent to a method with OAuth scopes: scopes are checked only in access tokens, so send the access token.',
      );
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
  const context = kind === 'http' ? httpJwtClaims(claims) : restClaims(claims);
  return rbacAfterAllow(run, route, claims, context, 'the verified claims');
}

async function simulateJwt(
  run: Run,
  auth: AuthorizerConfig,
  route: RouteConfig,
  kind: ApiKind,
): Promise<SimulationResult> {
  const header = auth.identitySource ?? 'Authorization';
  const id = findIdentity(run.request.token, header);
  run.trace.push(...id.notes);
  if (!id.value) {
    run.add(
      'identity-source',
      'info',
      'API Gateway answers 401 without running the JWT checks (no www-authenticate error is simulated)',
    );
    return run.deny(unauthorized(kind), 'identity-source');
  }
  const { token, ctx } = run.prepare(id.value.token);
  const verdict: TokenVerdict = await verifyJwt(auth, token, ctx);
  run.trace.push(...verdict.trace);
  if (verdict.failed) {
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
  const context = kind === 'rest' ? restClaims(claims) : httpJwtClaims(claims);
  return rbacAfterAllow(run, route, claims, context, 'the verified claims');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function simulateLambda(
  run: Run,
  auth: AuthorizerConfig,
  route: RouteConfig,
  kind: ApiKind,
  method: string,
  path: string,
): Promise<SimulationResult> {
  const config = run.request.config;
  const header = auth.identitySource ?? 'Authorization';
  const id = findIdentity(run.request.token, header);
  run.trace.push(...id.notes);
  if (!id.value) {
    run.add(
      'identity-source',
      'info',
      'API Gateway answers 401 without invoking the function when the identity source is missing',
    );
    return run.deny(unauthorized(kind), 'identity-source');
  }
  const { token, ctx } = run.prepare(id.value.token);
  const ttl = auth.resultTtlSeconds ?? 300;
  const arn = methodArn(config.api, method, path);
  run.add('lambda', 'info', `method ARN: ${arn}`);
  if (config.api.accountId.startsWith('<')) {
    run.add('lambda', 'warn', 'api coordinates are not configured: the method ARN uses placeholders');
  }

  let invokedArn = arn;
  let invokedRoute = route;
  let replayed = false;
  const cachedFrom = run.request.cachedFrom;
  if (cachedFrom !== undefined) {
    const line = parseRequestLine(cachedFrom);
    const match = line.ok ? matchRoute(config, line.method, line.path) : undefined;
    if (!line.ok) run.add('cache', 'warn', `cached-from request ignored: ${line.message}`);
    else if (!match?.ok)
      run.add('cache', 'warn', `cached-from request ${cachedFrom} matches no route: nothing was cached`);
    else if (match.route.authorizer !== auth.name) {
      run.add(
        'cache',
        'info',
        `${cachedFrom} uses ${match.route.authorizer ?? 'no authorizer'}, not ${auth.name}: no shared cache entry`,
      );
    } else if (ttl === 0) {
      run.add(
        'cache',
        'info',
        'resultTtlSeconds is 0: caching is off, so the function runs again for this request',
      );
    } else {
      invokedArn = methodArn(config.api, line.method, line.path);
      invokedRoute = match.route;
      replayed = true;
      run.add(
        'cache',
        'info',
        `cache replay: the function ran for ${cachedFrom} (${invokedArn}); its result is cached for ${ttl} s under the ${
          auth.lambdaType === 'REQUEST' ? 'identity sources' : 'token'
        }, so this request is decided by that cached policy without invoking the function`,
      );
    }
  }

  let claims: Record<string, unknown> = {};
  let verified = false;
  if (auth.verify !== undefined) {
    const target = Object.hasOwn(config.authorizers, auth.verify)
      ? config.authorizers[auth.verify]
      : undefined;
    if (!target || (target.type !== 'cognito' && target.type !== 'jwt')) {
      run.add(
        'lambda',
        'fail',
        `verify names ${auth.verify}, which is not a cognito or jwt authorizer: the function errors`,
      );
      return run.deny(authorizerError(kind), 'config');
    }
    run.add(
      'lambda',
      'info',
      `the function verifies the token the way authorizer ${target.name} (${target.type}) does`,
    );
    const verdict =
      target.type === 'cognito'
        ? await verifyCognito(target, token, undefined, ctx)
        : await verifyJwt(target, token, ctx);
    run.trace.push(...verdict.trace);
    if (verdict.failed) {
      run.add(
        'lambda',
        'fail',
        `token refused (${verdict.failed.id}): the function returns "Unauthorized", so API Gateway answers 401`,
      );
      return run.deny(unauthorized(kind), 'token');
    }
    claims = verdict.claims;
    verified = true;
  } else if (run.whatIf) {
    run.add(
      'what-if',
      'info',
      'this Lambda authorizer returns a static policy: edited claims do not change it',
    );
  }

  let output: unknown;
  let functionRbac = false;
  if (auth.policy !== undefined) {
    const resolved = resolvePolicyPlaceholders(auth.policy, invokedArn);
    if (isRecord(resolved) && !('policyDocument' in resolved) && !('isAuthorized' in resolved)) {
      const sub = claims.sub;
      output = {
        principalId: typeof sub === 'string' ? sub : 'user',
        policyDocument: resolved,
        context: auth.context,
      };
    } else if (isRecord(resolved) && auth.context !== undefined && !('context' in resolved)) {
      output = { ...resolved, context: auth.context };
    } else {
      output = resolved;
    }
  } else {
    functionRbac = true;
    const rbac = evaluateRbac(invokedRoute.rbac, claims);
    run.add(
      'lambda',
      'info',
      'the function applies the RBAC rules and returns a policy for the invoked method ARN (event.methodArn)',
    );
    run.trace.push(...rbac.trace);
    if (!rbac.ok) run.add('lambda', 'fail', `the function denies: missing ${rbac.missing ?? 'requirement'}`);
    const sub = claims.sub;
    output = {
      principalId: typeof sub === 'string' ? sub : 'user',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: rbac.ok ? 'Allow' : 'Deny', Resource: invokedArn },
        ],
      },
      context: auth.context,
    };
  }

  const evaluation = evaluateAuthorizerOutput(output, arn, kind === 'http');
  for (const note of evaluation.notes) run.add('policy', 'info', note);
  const decidedBy: DecidedBy = replayed ? 'cache' : functionRbac ? 'rbac' : 'policy';
  switch (evaluation.effect) {
    case 'error':
      run.add('policy', 'fail', `malformed authorizer output: ${evaluation.reason}: API Gateway answers 500`);
      if (kind === 'rest') run.add('policy', 'info', OBSERVED_NOTE.restErrorType);
      return run.deny(authorizerError(kind), 'authorizer');
    case 'explicit-deny':
      run.add('policy', 'fail', `${evaluation.reason}: explicit Deny wins, 403`);
      if (kind === 'rest') run.add('policy', 'info', OBSERVED_NOTE.restDenyMessageKey);
      return run.deny(policyDenied(kind, true), decidedBy);
    case 'implicit-deny':
      run.add('policy', 'fail', `${evaluation.reason}: implicit deny, 403`);
      if (replayed) {
        run.add(
          'trap',
          'warn',
          `Cached-policy trap: the policy was built for ${invokedArn} and cached; ${arn} is not in it, so this request gets 403 until the cache expires. Return a wildcard resource (e.g. arn:aws:execute-api:${config.api.region}:${config.api.accountId}:${config.api.apiId}/${config.api.stage}/*) or set resultTtlSeconds to 0.`,
        );
      }
      if (kind === 'rest') run.add('policy', 'info', OBSERVED_NOTE.restDenyMessageKey);
      return run.deny(policyDenied(kind, false), decidedBy);
    case 'allow':
      break;
  }
  run.add('policy', 'pass', evaluation.reason);
  const context = lambdaContext(
    kind === 'http' ? 'http' : 'rest',
    evaluation.principalId,
    evaluation.context,
  );
  if (functionRbac) return run.result('allow', forwarded(), 'rbac', context);
  if (verified) return rbacAfterAllow(run, route, claims, context, 'the verified claims');
  return rbacAfterAllow(
    run,
    route,
    evaluation.context,
    context,
    'the Lambda context (no verified claims: the authorizer has no verify)',
  );
}

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

async function simulateAlb(run: Run, auth: AuthorizerConfig, route: RouteConfig): Promise<SimulationResult> {
  const id = findIdentity(run.request.token, 'x-amzn-oidc-data');
  if (!id.value) {
    run.add('alb-session', 'info', 'no x-amzn-oidc-data blob: the request has no ALB session');
    return albUnauthenticated(run, auth, route, 'no session', false);
  }
  run.trace.push(...id.notes.map((n) => ({ ...n, step: 'alb-session' })));
  const { token, ctx } = run.prepare(id.value.token);
  const verdict = await verifyAlbBlob(auth, token, ctx);
  run.trace.push(...verdict.trace);
  if (verdict.failed) {
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
}

/** Simulate one request: route match, authorizer, RBAC; the result is data, never thrown. */
export async function simulate(
  request: SimulationRequest,
  options: SimulationOptions,
  deps: VerifyDeps,
): Promise<SimulationResult> {
  const run = new Run(request, options.now, deps, options.keyUrls);
  const config: SimConfig = request.config;
  const line = parseRequestLine(request.route);
  if (!line.ok) {
    run.add('request', 'fail', line.message);
    return run.deny({ status: 400, body: JSON.stringify({ message: line.message }), headers: {} }, 'request');
  }
  if (hasEdits(request.whatIf) && (request.token === undefined || request.token.trim() === '')) {
    run.add('what-if', 'warn', 'claim edits need a token: ignored');
  }
  const match = matchRoute(config, line.method, line.path);
  run.trace.push(...match.trace);
  if (!match.ok) return run.deny(match.reply, 'route');
  const route = match.route;
  const kind = match.apiKind;
  run.route = {
    route: route.route,
    method: route.method,
    path: route.path,
    api: route.api,
    apiKind: kind,
    params: match.params,
  };

  let auth: AuthorizerConfig | undefined;
  let type = route.authorizerType;
  let name = route.authorizer;
  if (request.authorizer !== undefined && request.authorizer !== route.authorizer) {
    if (request.authorizer === 'none' || request.authorizer === 'iam') {
      type = request.authorizer;
      name = null;
    } else {
      auth = Object.hasOwn(config.authorizers, request.authorizer)
        ? config.authorizers[request.authorizer]
        : undefined;
      if (!auth) {
        run.add(
          'authorizer',
          'fail',
          `no authorizer named ${JSON.stringify(request.authorizer)} in ${config.file}`,
        );
        return run.deny(
          { status: 500, body: JSON.stringify({ message: 'unknown authorizer' }), headers: {} },
          'config',
        );
      }
      type = auth.type;
      name = auth.name;
    }
    run.add(
      'authorizer',
      'info',
      `authorizer ${request.authorizer} used instead of the route's (${route.authorizer ?? route.authorizerType})`,
    );
  } else if (name !== null) {
    auth = Object.hasOwn(config.authorizers, name) ? config.authorizers[name] : undefined;
  }
  run.authorizer = { name, type };
  const overridden = request.authorizer !== undefined && request.authorizer !== route.authorizer;
  for (const w of overridden ? [] : config.warnings) {
    if (w.message.includes(`${route.route}:`)) run.add('config', 'warn', w.message);
  }
  if (route.scopes.length > 0 && (type === 'lambda' || type === 'alb' || type === 'none' || type === 'iam')) {
    run.add(
      'trap',
      'warn',
      `the route lists scopes (${route.scopes.join(', ')}) but a ${type} authorizer ignores them`,
    );
  }

  if (type === 'none') {
    run.add('authorizer', 'skip', 'the route has no authorizer: API Gateway forwards every request');
    return rbacAfterAllow(run, route, {}, {}, 'no claims (no authorizer)');
  }
  if (type === 'iam') {
    run.add(
      'authorizer',
      'fail',
      'AWS_IAM authorization needs a SigV4-signed request; a bearer token never satisfies it',
    );
    const reply =
      kind === 'rest'
        ? {
            ...forbidden(kind),
            body: JSON.stringify({ message: 'Missing Authentication Token' }),
            headers: { 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' },
          }
        : forbidden(kind);
    return run.deny(reply, 'iam');
  }
  if (!auth) {
    run.add(
      'authorizer',
      'fail',
      `the route names authorizer ${JSON.stringify(name)}, which is not configured`,
    );
    return run.deny(authorizerError(kind), 'config');
  }
  switch (auth.type) {
    case 'cognito':
      return simulateCognito(run, auth, route, kind);
    case 'jwt':
      return simulateJwt(run, auth, route, kind);
    case 'lambda':
      return simulateLambda(run, auth, route, kind, line.method, line.path);
    case 'alb':
      return simulateAlb(run, auth, route);
    default: {
      const never: never = auth.type;
      return never;
    }
  }
}
