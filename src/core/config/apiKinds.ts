// Which API kind (REST, HTTP API, ALB) each route of one API belongs to: what the configuration says, else what
// its authorizer implies. COGNITO_USER_POOLS exists on REST APIs only; the v2-shaped JWT authorizer (one issuer
// plus audience) on HTTP APIs only (docs/aws-behaviour.md "Which API kind each authorizer lives on").
import type { ApiKind, RouteConfig } from './model.ts';

/** Where a route's kind came from, for the trace. */
export type ApiKindSource = 'route' | 'api' | 'authorizer' | 'siblings' | 'default';

/** Routes of one API that share a kind. */
export interface ApiKindPart {
  kind: ApiKind;
  routes: RouteConfig[];
  /** How each route's kind was chosen: explicit (`route`, `api`) or derived (`authorizer`, `siblings`, `default`). */
  sources: Map<RouteConfig, ApiKindSource>;
}

/** A route's kind, or a problem that names the fix. */
export type ApiKindSplit = { ok: true; parts: ApiKindPart[] } | { ok: false; problems: ApiKindProblem[] };

export interface ApiKindProblem {
  route: RouteConfig;
  message: string;
}

const FIX = 'set api.kind (rest or http), or routes[].apiKind on each route';

/** The kind a route's authorizer implies on its own; undefined for Lambda, IAM or no authorizer. */
export function impliedApiKind(route: Pick<RouteConfig, 'authorizerType' | 'method'>): ApiKind | undefined {
  if (route.authorizerType === 'alb') return 'alb';
  if (route.authorizerType === 'cognito') return 'rest';
  if (route.authorizerType === 'jwt' || route.method === '$default') return 'http';
  return undefined;
}

function implication(route: RouteConfig, source: ApiKindSource): string {
  if (source === 'route') return `routes[].apiKind ${route.apiKind ?? ''}`;
  if (route.authorizerType === 'cognito') return 'cognito authorizers exist on REST APIs only';
  if (route.authorizerType === 'jwt') return 'jwt authorizers (one issuer and audience) belong to HTTP APIs';
  return '$default routes exist on HTTP APIs only';
}

// Refusals name this many routes; the rest are counted, so a huge file gets a short message.
const MAX_NAMED_ROUTES = 5;

/**
 * Give every route of one API its kind, in this order: its own `apiKind`, the file's `api.kind`, what its
 * authorizer implies, the one kind its siblings imply, else REST. Routes that imply different kinds are split
 * into one API per kind; a route that implies nothing beside such a mix, or an explicit kind a Cognito authorizer
 * cannot live on, is a problem naming the fix: nothing is simulated half one way and half the other.
 */
export function splitByApiKind(routes: readonly RouteConfig[], apiKind: ApiKind | undefined): ApiKindSplit {
  const problems: ApiKindProblem[] = [];
  const assigned: { route: RouteConfig; kind: ApiKind | undefined; source: ApiKindSource }[] = routes.map(
    (route) => {
      if (route.apiKind !== undefined) return { route, kind: route.apiKind, source: 'route' };
      if (route.authorizerType === 'alb') return { route, kind: 'alb', source: 'authorizer' };
      if (apiKind !== undefined) return { route, kind: apiKind, source: 'api' };
      const implied = impliedApiKind(route);
      return { route, kind: implied, source: 'authorizer' };
    },
  );
  for (const a of assigned) {
    if (a.route.authorizerType === 'cognito' && a.kind !== undefined && a.kind !== 'rest') {
      problems.push({
        route: a.route,
        message: `route ${JSON.stringify(a.route.route)} uses a cognito authorizer, which exists on REST APIs only, but its API kind is ${a.kind} (${a.source === 'route' ? 'routes[].apiKind' : 'api.kind'}): use a jwt authorizer with the pool's issuer on an HTTP API, or set the kind to rest`,
      });
    }
    if (a.route.method === '$default' && a.kind === 'rest') {
      problems.push({
        route: a.route,
        message: `route "$default" exists on HTTP APIs only, but its API kind is rest: ${FIX}`,
      });
    }
  }
  const kinds = new Set(assigned.map((a) => a.kind).filter((k): k is ApiKind => k !== undefined));
  const unplaced = assigned.filter((a) => a.kind === undefined);
  if (kinds.size > 1 && unplaced.length > 0) {
    // One example per kind keeps the message short however many routes the file has.
    const examples = [...kinds].flatMap((kind) => {
      const example = assigned.find((a) => a.kind === kind);
      return example ? [`${example.route.route}: ${implication(example.route, example.source)}`] : [];
    });
    const named = unplaced.slice(0, MAX_NAMED_ROUTES);
    named.forEach((a, index) => {
      const more =
        index === named.length - 1 && unplaced.length > named.length
          ? ` (and ${unplaced.length - named.length} more such routes)`
          : '';
      problems.push({
        route: a.route,
        message: `route ${JSON.stringify(a.route.route)} (${a.route.authorizerType === 'lambda' ? 'a lambda authorizer' : a.route.authorizerType}) belongs to neither API kind${more}: the routes imply both REST and HTTP API (${examples.join('; ')}), and a ${a.route.authorizerType} route could be on either; ${FIX}`,
      });
    });
  }
  if (problems.length > 2 * MAX_NAMED_ROUTES) {
    const kept = problems.slice(0, 2 * MAX_NAMED_ROUTES);
    const last = kept[kept.length - 1];
    if (last) last.message += ` (${problems.length - kept.length} more API kind problems not listed)`;
    return { ok: false, problems: kept };
  }
  if (problems.length > 0) return { ok: false, problems };
  const siblingKind = kinds.size === 1 ? [...kinds][0] : undefined;
  const parts = new Map<ApiKind, ApiKindPart>();
  for (const a of assigned) {
    const kind = a.kind ?? siblingKind ?? 'rest';
    const source: ApiKindSource = a.kind !== undefined ? a.source : siblingKind ? 'siblings' : 'default';
    const part = parts.get(kind) ?? { kind, routes: [], sources: new Map<RouteConfig, ApiKindSource>() };
    part.routes.push(a.route);
    part.sources.set(a.route, source);
    parts.set(kind, part);
  }
  return { ok: true, parts: [...parts.values()] };
}

/** Trace wording for a route whose kind was derived rather than configured; undefined when configured. */
export function describeApiKindSource(
  kind: ApiKind,
  source: ApiKindSource,
  split: boolean,
): string | undefined {
  const name = kind === 'rest' ? 'REST API' : kind === 'http' ? 'HTTP API' : 'ALB listener';
  if (split) {
    return `the configuration names no API kind and its routes imply both REST (cognito authorizers) and HTTP API (jwt authorizers, $default): simulated as separate APIs, this route on the ${name} its authorizer implies; ${FIX} to say otherwise`;
  }
  if (source === 'route' || source === 'api' || kind === 'alb') return undefined;
  if (source === 'default')
    return `API kind not configured and not implied by any authorizer: simulated as a REST API (${FIX} for an HTTP API)`;
  const why =
    source === 'siblings' ? "the other routes' authorizers imply" : "the route's authorizer implies";
  return `API kind not configured: simulated as a ${name}, as ${why} (${FIX} to say so)`;
}
