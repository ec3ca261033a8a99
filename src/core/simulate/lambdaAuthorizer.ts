// Lambda (TOKEN/REQUEST) authorizer: the function's policy, its cache across routes, and an optional token check.
import { TRACE_TRAP } from '../config/traps.ts';
import { OBSERVED_NOTE, authorizerError, forwarded, policyDenied, unauthorized } from './awsResponses.ts';
import { lambdaContext } from './backendContext.ts';
import { evaluateAuthorizerOutput, methodArn, resolvePolicyPlaceholders } from './iamPolicy.ts';
import { lookUpIdentity, openToken } from './openingStep.ts';
import { evaluateRbac } from './rbac.ts';
import type { DecidedBy } from './result.ts';
import { matchRoute, parseRequestLine } from './routeMatch.ts';
import type { AuthorizerSimulator } from './run.ts';
import { rbacAfterAllow } from './run.ts';
import { verifyCognito, verifyJwt } from './tokenChecks.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const simulateLambda: AuthorizerSimulator = async ({ run, auth, route, kind, method, path }) => {
  const config = run.request.config;
  const header = auth.identitySource ?? 'Authorization';
  const id = lookUpIdentity(run, header);
  run.trace.push(...id.notes);
  if (!id.value) {
    run.add(
      'identity-source',
      'info',
      'API Gateway answers 401 without invoking the function when the identity source is missing',
    );
    return run.deny(unauthorized(kind), 'identity-source');
  }
  const { decoded, ctx } = openToken(run, id.value.token);
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
        ? await verifyCognito(target, decoded, undefined, ctx)
        : await verifyJwt(target, decoded, ctx);
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
        run.add('trap', 'warn', TRACE_TRAP.cachedPolicy(invokedArn, arn, config.api));
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
};
