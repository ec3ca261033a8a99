// Lambda (TOKEN/REQUEST) authorizer: identity sources, the TOKEN validation expression, the HTTP API payload
// version and simple responses, the function's policy, its cache across routes, and an optional token check.
import { TRACE_TRAP } from '../config/traps.ts';
import type { ApiKind, AuthorizerConfig } from '../config/model.ts';
import { compileUserRegex } from '../userRegex.ts';
import { OBSERVED_NOTE, authorizerError, forwarded, policyDenied, unauthorized } from './awsResponses.ts';
import { lambdaContext } from './backendContext.ts';
import type { ContextRule } from './iamPolicy.ts';
import { evaluateAuthorizerOutput, methodArn, resolvePolicyPlaceholders } from './iamPolicy.ts';
import { openToken } from './openingStep.ts';
import { evaluateRbac } from './rbac.ts';
import type { IdentitySourceValue } from './requestIdentity.ts';
import {
  configuredSources,
  describeKey,
  isTokenAuthorizer,
  resolveIdentity,
  sameKey,
} from './requestIdentity.ts';
import type { DecidedBy, SimulationResult } from './result.ts';
import { matchRoute, parseRequestLine } from './routeMatch.ts';
import type { AuthorizerSimulator, Run } from './run.ts';
import { rbacAfterAllow } from './run.ts';
import { verifyCognito, verifyJwt } from './tokenChecks.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** HTTP API Lambda authorizer settings that change what the function may return. */
interface PayloadSettings {
  version: '1.0' | '2.0';
  simpleResponses: boolean;
  contextRule: ContextRule;
}

/** The HTTP API payload format version and simple-response setting; undefined when API Gateway refuses them. */
function payloadSettings(run: Run, auth: AuthorizerConfig, kind: ApiKind): PayloadSettings | undefined {
  if (kind !== 'http') {
    if (auth.payloadFormatVersion !== undefined || auth.enableSimpleResponses !== undefined) {
      run.add(
        'lambda',
        'warn',
        'payloadFormatVersion and enableSimpleResponses are HTTP API settings: a REST API ignores them',
      );
    }
    return { version: '1.0', simpleResponses: false, contextRule: 'scalar' };
  }
  const written = auth.payloadFormatVersion;
  if (written !== undefined && written !== '1.0' && written !== '2.0') {
    run.add(
      'lambda',
      'fail',
      `payloadFormatVersion ${JSON.stringify(written)}: the supported values are 1.0 and 2.0, so API Gateway refuses this authorizer`,
    );
    return undefined;
  }
  const version = written ?? '2.0';
  if (written === undefined) {
    run.add(
      'lambda',
      'info',
      'payloadFormatVersion is not set: 2.0 assumed (AWS requires it when the authorizer is created with the CLI, CloudFormation or an SDK)',
    );
  }
  const simpleResponses = auth.enableSimpleResponses === true;
  if (simpleResponses && version !== '2.0') {
    run.add(
      'lambda',
      'fail',
      'enableSimpleResponses is supported only with payloadFormatVersion 2.0: API Gateway refuses this authorizer',
    );
    return undefined;
  }
  run.add(
    'lambda',
    'info',
    version === '1.0'
      ? 'payload 1.0: the event carries identitySource as one comma-joined string and methodArn; the function must return an IAM policy'
      : `payload 2.0: the event carries identitySource as an array, routeArn and routeKey; the function may return ${simpleResponses ? '{isAuthorized, context} (simple responses are enabled) or an IAM policy' : 'an IAM policy only (enableSimpleResponses is not true)'}`,
  );
  return { version, simpleResponses, contextRule: version === '2.0' ? 'json' : 'scalar' };
}

/** REST TOKEN authorizers: the validation expression is matched against the header value before the call. */
function tokenValidationStep(
  run: Run,
  auth: AuthorizerConfig,
  kind: ApiKind,
  header: string,
  value: string,
): SimulationResult | undefined {
  if (auth.validationRegex === undefined) return undefined;
  if (!isTokenAuthorizer(auth, kind)) {
    run.add(
      'validation-regex',
      'info',
      `validationRegex is ignored: AWS applies the identity validation expression to TOKEN authorizers only (not to REQUEST${kind === 'http' ? ' or HTTP API' : ''} authorizers)`,
    );
    return undefined;
  }
  const pattern = auth.validationRegex;
  const expression = compileUserRegex(pattern);
  if (!expression.ok && expression.reason === 'invalid') {
    run.add(
      'validation-regex',
      'fail',
      `the identity validation expression /${pattern}/ is ${expression.message}: API Gateway refuses to create this authorizer; fix the configuration`,
    );
    return run.deny(authorizerError(kind), 'config');
  }
  const outcome = expression.ok ? expression.test(value) : undefined;
  const unusable = !expression.ok ? expression.message : outcome?.ok === false ? outcome.message : undefined;
  if (outcome?.ok && outcome.note) run.add('validation-regex', 'info', outcome.note);
  if (unusable !== undefined) {
    run.add(
      'validation-regex',
      'warn',
      `the identity validation expression /${pattern}/ cannot be evaluated here: ${unusable}. The simulation continues as if it matched; AWS (Java regular expressions) may answer 401 instead`,
    );
    return undefined;
  }
  const matched = outcome?.ok === true && outcome.matched;
  run.add(
    'validation-regex',
    matched ? 'pass' : 'fail',
    matched
      ? `the ${header} header value matches the identity validation expression /${pattern}/: the function is invoked`
      : `the ${header} header value does not match the identity validation expression /${pattern}/: 401 without invoking the function`,
  );
  if (!/^\^/.test(pattern) || !/\$$/.test(pattern)) {
    run.add(
      'validation-regex',
      'info',
      'the expression is not anchored with ^...$: the simulator looks for it anywhere in the header value; whether AWS requires a whole-value match is not documented (unverified)',
    );
  }
  return matched ? undefined : run.deny(unauthorized(kind), 'validation-regex');
}

export const simulateLambda: AuthorizerSimulator = async ({ run, auth, route, kind, method, path }) => {
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

  if (isRecord(output) && 'isAuthorized' in output && !('policyDocument' in output) && kind === 'http') {
    if (!settings.simpleResponses) {
      run.add(
        'policy',
        'fail',
        `the function returns {isAuthorized} but simple responses are not enabled (payload ${settings.version}${auth.enableSimpleResponses === undefined ? ', enableSimpleResponses not set: AWS defaults it to false' : ''}): API Gateway expects an IAM policy, and a response in an invalid format is a 500 (documented). Set enableSimpleResponses: true with payloadFormatVersion 2.0`,
      );
    }
  }
  const evaluation = evaluateAuthorizerOutput(
    output,
    arn,
    kind === 'http' && settings.simpleResponses,
    settings.contextRule,
  );
  for (const note of evaluation.notes) run.add('policy', 'info', note);
  const decidedBy: DecidedBy = replayed ? 'cache' : functionRbac ? 'rbac' : 'policy';
  switch (evaluation.effect) {
    case 'error':
      run.add('policy', 'fail', `malformed authorizer output: ${evaluation.reason}: API Gateway answers 500`);
      if (kind === 'rest') run.add('policy', 'info', OBSERVED_NOTE.restErrorType);
      if (kind === 'http' && settings.version === '1.0' && /context\./.test(evaluation.reason)) {
        run.add(
          'policy',
          'info',
          'arrays and maps in context are shown by AWS for payload 2.0 only; for payload 1.0 the simulator keeps the REST rule (string, number, boolean): unverified',
        );
      }
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
  const structured = Object.entries(evaluation.context).filter(
    ([, v]) => typeof v === 'object' && v !== null,
  );
  if (structured.length > 0) {
    run.add(
      'policy',
      'info',
      `context ${structured.map(([k]) => k).join(', ')} holds arrays or maps: allowed for HTTP API payload 2.0 (AWS's own example returns arrayKey and mapKey). The backend's event carries them as returned under requestContext.authorizer.lambda (aws/aws-lambda-go types it as a map of any JSON value; not captured live: unverified); $context.authorizer.X mappings reach scalar values only`,
    );
  }
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

/** Which identity sources give two requests different values (names only: values may be tokens). */
function differingSources(a: readonly IdentitySourceValue[], b: readonly IdentitySourceValue[]): string {
  const names = a.filter((v, i) => v.value !== b[i]?.value).map((v) => v.source.expression);
  return names.length > 0 ? `${names.join(', ')} differ` : 'different sources';
}
