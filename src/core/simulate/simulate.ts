// The simulator: what AWS decides for a route, a token and an authorizer configuration, step by step.
// This module matches the route, picks the authorizer and hands over to that kind's module (one per kind).
import { TRACE_TRAP } from '../config/traps.ts';
import type { ApiKind, AuthorizerConfig, AuthorizerType, SimConfig } from '../config/model.ts';
import type { VerifyDeps } from '../keys/types.ts';
import { simulateAlb } from './albAuthorizer.ts';
import { authorizerError } from './awsResponses.ts';
import { simulateCognito } from './cognitoAuthorizer.ts';
import { denyNoRoute, simulateIam, simulateNoAuthorizer } from './iamAuthorizer.ts';
import { simulateJwt } from './jwtAuthorizer.ts';
import { simulateLambda } from './lambdaAuthorizer.ts';
import { hasToken } from './openingStep.ts';
import type { SimulationOptions, SimulationRequest, SimulationResult } from './result.ts';
import { matchRoute, parseRequestLine } from './routeMatch.ts';
import type { AuthorizerSimulator } from './run.ts';
import { Run, warningsFor } from './run.ts';
import { warningConcernsToken } from './tokenWarnings.ts';
import { hasEdits } from './whatIf.ts';
import type { CorsRequest } from './cors.ts';
import {
  apiCoordinatesOf,
  corsOutcome,
  corsRequestOf,
  httpPreflightAnswer,
  preflightRequest,
} from './cors.ts';

export type { SimulationRequest, SimulationResult, SimulationOptions } from './result.ts';

/** One module per authorizer kind, all behind the same call. */
const SIMULATORS: Readonly<Record<AuthorizerType, AuthorizerSimulator>> = {
  cognito: simulateCognito,
  jwt: simulateJwt,
  lambda: simulateLambda,
  alb: simulateAlb,
};

/** Why an authorizer cannot run on this kind of API, or undefined when it can. */
function authorizerOnWrongApi(type: AuthorizerType, kind: ApiKind): string | undefined {
  // ALB listeners run their own actions (authenticate-*, jwt-validation simulated as jwt): only HTTP APIs are checked.
  if (type === 'cognito' && kind === 'http')
    return "a cognito (COGNITO_USER_POOLS) authorizer exists on REST APIs only, and this route is on an HTTP API: use a jwt authorizer with the pool's issuer there";
  return undefined;
}

/** Simulate one request: route match, authorizer, RBAC, then CORS; the result is data, never thrown. */
export async function simulate(
  request: SimulationRequest,
  options: SimulationOptions,
  deps: VerifyDeps,
): Promise<SimulationResult> {
  const line = parseRequestLine(request.route);
  const cors = line.ok ? corsRequestOf(request, line.method) : undefined;
  // A browser sends a preflight without credentials: only its Origin and Access-Control-Request-* headers.
  const run = new Run(
    cors?.preflight ? preflightRequest(request, cors) : request,
    options.now,
    deps,
    options.keyUrls,
  );
  if (cors?.preflight)
    run.add(
      'cors',
      'info',
      `a CORS preflight (OPTIONS from ${cors.origin} for ${cors.requestMethod ?? '?'}): browsers send it without Authorization or cookies, so no token is simulated`,
    );
  const seen: { kind?: ApiKind } = {};
  const result = await decide(run, cors, seen);
  return seen.kind === undefined ? result : withCors(run, result, cors, seen.kind);
}

/** Apply gateway response customisations and the browser's CORS view; trace lines go before the decision line. */
function withCors(
  run: Run,
  result: SimulationResult,
  cors: CorsRequest | undefined,
  kind: ApiKind,
): SimulationResult {
  if (result.decidedBy === 'cors') return result;
  const outcome = corsOutcome(run.request, result, cors, kind);
  if (outcome.trace.length === 0) return result;
  const trace = [...result.trace];
  trace.splice(Math.max(0, trace.length - 1), 0, ...outcome.trace);
  const updated: SimulationResult = { ...result, status: outcome.status, headers: outcome.headers, trace };
  if (outcome.mock) updated.backendContext = null;
  if (outcome.finding) updated.cors = outcome.finding;
  return updated;
}

async function decide(
  run: Run,
  cors: CorsRequest | undefined,
  seen: { kind?: ApiKind },
): Promise<SimulationResult> {
  const request = run.request;
  const config: SimConfig = request.config;
  const line = parseRequestLine(request.route);
  if (!line.ok) {
    run.add('request', 'fail', `the request line ${line.message}`);
    return run.deny(
      { status: 400, body: JSON.stringify({ message: `request line ${line.message}` }), headers: {} },
      'request',
    );
  }
  if (hasEdits(request.whatIf) && !hasToken(run)) {
    run.add('what-if', 'warn', 'claim edits need a token: ignored');
  }
  const match = matchRoute(config, line.method, line.path);
  run.trace.push(...match.trace);
  seen.kind = match.apiKind;
  // HTTP API CorsConfiguration answers preflights before routes and authorizers, except those only $default catches.
  // A preflight to a path with no OPTIONS route belongs to the API that has the method it asks for.
  const probe =
    !match.ok && cors?.preflight && cors.requestMethod !== undefined
      ? matchRoute(config, cors.requestMethod, line.path)
      : undefined;
  const target = match.ok ? match : probe?.ok ? probe : undefined;
  const coords = apiCoordinatesOf(config, target?.route.api);
  const preflightKind = target?.apiKind ?? match.apiKind;
  if (
    cors?.preflight &&
    preflightKind === 'http' &&
    coords.cors &&
    !(match.ok && match.route.method === '$default')
  ) {
    seen.kind = 'http';
    const answer = httpPreflightAnswer(cors, coords.cors);
    run.add(
      'cors',
      answer.finding.browser === 'blocked' ? 'fail' : 'pass',
      `API Gateway answers the preflight from the API's CorsConfiguration (204): ${answer.finding.message}`,
    );
    const result = run.result('allow', answer.reply, 'cors', null);
    result.cors = { ...answer.finding, status: answer.reply.status };
    return result;
  }
  // A REST path or method that exists nowhere is answered like an AWS_IAM method (SigV4 parse of Authorization).
  if (!match.ok && match.decidedBy === undefined) return denyNoRoute(run, match, line.path);
  if (!match.ok) return run.deny(match.reply, match.decidedBy ?? 'route');
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
  const concernsToken = warningConcernsToken(run, auth);
  for (const w of warningsFor(config, route, name, overridden)) {
    if (concernsToken(w.id)) run.add('config', 'warn', w.message);
  }
  if (route.scopes.length > 0 && (type === 'lambda' || type === 'alb' || type === 'none' || type === 'iam')) {
    run.add('trap', 'warn', TRACE_TRAP.scopesIgnored(route.scopes, type));
  }

  if (type === 'none') return simulateNoAuthorizer(run, route);
  if (type === 'iam') return simulateIam(run, kind);
  if (!auth) {
    run.add(
      'authorizer',
      'fail',
      `the route names authorizer ${JSON.stringify(name)}, which is not configured`,
    );
    return run.deny(authorizerError(kind), 'config');
  }
  const misplaced = authorizerOnWrongApi(auth.type, kind);
  if (misplaced !== undefined) {
    run.add('authorizer', 'fail', misplaced);
    return run.deny(authorizerError(kind), 'config');
  }
  if (auth.type === 'jwt' && kind === 'rest') {
    run.add(
      'authorizer',
      'info',
      'a jwt authorizer on a REST API: REST has its own JWT authorizer (several issuers, typed claims); this one issuer and audience are simulated as one of its issuers',
    );
  }
  return SIMULATORS[auth.type]({ run, auth, route, kind, method: line.method, path: line.path });
}
