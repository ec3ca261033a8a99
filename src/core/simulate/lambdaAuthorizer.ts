// Lambda (TOKEN/REQUEST) authorizer: identity sources, the TOKEN validation expression, the HTTP API payload
// version and simple responses, the function's policy, its cache across routes, and an optional token check.
// Settings checks are lambdaSettings.ts; the function's answer and how API Gateway reads it, lambdaResponse.ts.
import { authorizerError, unauthorized } from './awsResponses.ts';
import { methodArn } from './iamPolicy.ts';
import { decideFromAnswer, functionAnswer } from './lambdaResponse.ts';
import { payloadSettings, tokenValidationStep } from './lambdaSettings.ts';
import { openToken } from './openingStep.ts';
import type { IdentitySourceValue } from './requestIdentity.ts';
import {
  configuredSources,
  describeKey,
  isTokenAuthorizer,
  resolveIdentity,
  sameKey,
} from './requestIdentity.ts';
import { matchRoute, parseRequestLine } from './routeMatch.ts';
import type { AuthorizerSimulator } from './run.ts';
import { verifyCognito, verifyJwt } from './tokenChecks.ts';

export const simulateLambda: AuthorizerSimulator = async (call) => {
  const { run, auth, route, kind, method, path } = call;
  const config = run.request.config;
  const settings = payloadSettings(run, auth, kind);
  if (!settings) return run.deny(authorizerError(kind), 'config');
  if (kind === 'http' && auth.lambdaType === 'TOKEN') {
    run.add(
      'lambda',
      'warn',
      'lambdaType TOKEN exists on REST APIs only: HTTP API Lambda authorizers are REQUEST authorizers',
    );
  }
  const configured = configuredSources(auth, kind);
  run.trace.push(...configured.notes);
  if (!configured.ok) return run.deny(authorizerError(kind), 'config');
  const tokenKind = isTokenAuthorizer(auth, kind);
  const identity = resolveIdentity(run, configured.sources, kind, {
    line: run.request.route,
    route,
    method,
    path,
  });
  run.trace.push(...identity.notes);
  if (!identity.ok) {
    run.add(
      'identity-source',
      'info',
      kind === 'http'
        ? 'API Gateway answers 401 without invoking the function when an identity source is missing (documented)'
        : 'API Gateway answers 401 without invoking the function when an identity source is missing or empty (documented)',
    );
    return run.deny(unauthorized(kind), 'identity-source');
  }
  const ttl = auth.resultTtlSeconds ?? 300;
  if (identity.values.length === 0) {
    run.add('identity-source', 'info', 'no identity sources: the function is invoked for every request');
    if (ttl > 0) {
      run.add(
        'cache',
        'warn',
        `resultTtlSeconds is ${ttl} but caching needs at least one identity source: API Gateway refuses this authorizer (set resultTtlSeconds: 0 or add a source)`,
      );
    }
  } else {
    run.add(
      'cache',
      'info',
      `cache key (${tokenKind ? 'the token' : 'every identity source'}): ${describeKey(identity.values)}`,
    );
  }
  const first = identity.values[0];
  const headerValue = first?.value ?? '';
  const refused = tokenValidationStep(run, auth, kind, first?.source.name ?? 'Authorization', headerValue);
  if (refused) return refused;

  const { decoded, ctx } = openToken(run, identity.token?.token ?? headerValue);
  const arn = methodArn(config.api, method, path);
  run.add('lambda', 'info', `${settings.version === '2.0' ? 'route' : 'method'} ARN: ${arn}`);
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
    const earlier =
      line.ok && match?.ok
        ? resolveIdentity(
            run,
            configured.sources,
            kind,
            { line: cachedFrom, route: match.route, method: line.method, path: line.path },
            true,
          )
        : undefined;
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
    } else if (identity.values.length === 0) {
      run.add('cache', 'info', 'no identity sources: nothing is cached, so the function runs again');
    } else if (!earlier?.ok) {
      run.add(
        'cache',
        'info',
        `${cachedFrom} lacks an identity source: it was answered 401 and nothing was cached`,
      );
    } else if (!sameKey(earlier.values, identity.values)) {
      run.add(
        'cache',
        'info',
        `${cachedFrom} has another cache key (${differingSources(earlier.values, identity.values)}): no shared cache entry, so the function runs for this request`,
      );
    } else {
      invokedArn = methodArn(config.api, line.method, line.path);
      invokedRoute = match.route;
      replayed = true;
      run.add(
        'cache',
        'info',
        `cache replay: the function ran for ${cachedFrom} (${invokedArn}); its result is cached for ${ttl} s under the ${
          tokenKind ? 'token' : 'identity sources'
        }, so this request is decided by that cached policy without invoking the function`,
      );
      if (settings.simpleResponses) {
        run.add(
          'cache',
          'info',
          'with simple responses the cached answer allows or denies every request with the same identity source values (documented); add $context.routeKey to the identity sources to cache per route',
        );
      }
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
      run.failedCheck = verdict.failed;
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

  const answer = functionAnswer(run, auth, invokedRoute, invokedArn, claims);
  return decideFromAnswer(call, settings, answer, { arn, invokedArn, replayed, verified, claims });
};

/** Which identity sources give two requests different values (names only: values may be tokens). */
function differingSources(a: readonly IdentitySourceValue[], b: readonly IdentitySourceValue[]): string {
  const names = a.filter((v, i) => v.value !== b[i]?.value).map((v) => v.source.expression);
  return names.length > 0 ? `${names.join(', ')} differ` : 'different sources';
}
