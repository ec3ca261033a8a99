// Which route a request hits, as API Gateway (REST or HTTP API) or an ALB listener would choose it.
import { globMatch, matchesGlob } from '../glob.ts';
import { trimTrailingSlashes } from '../textScan.ts';
import type { HttpReply } from './awsResponses.ts';
import { noRoute } from './awsResponses.ts';
import type { ApiKindSplit } from '../config/apiKinds.ts';
import { describeApiKindSource, splitByApiKind } from '../config/apiKinds.ts';
import type { ApiKind, RouteConfig, SimConfig } from '../config/model.ts';
import type { TraceStep } from './result.ts';
import { step } from './result.ts';

/** HTTP verbs a request may carry (ANY and $default exist only on routes). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** A request line the user typed: "GET /orders/1?x=1". */
export type RequestLine = { ok: true; method: string; path: string } | { ok: false; message: string };

/** Read "METHOD /path"; the query string and fragment are not part of route matching. */
export function parseRequestLine(text: string): RequestLine {
  const match = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(text);
  if (!match) return { ok: false, message: `must look like "GET /orders/1" (got ${JSON.stringify(text)})` };
  const method = (match[1] ?? '').toUpperCase();
  const target = match[2] ?? '';
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    return {
      ok: false,
      message: `method must be one of ${HTTP_METHODS.join(', ')} (got ${JSON.stringify(match[1])})`,
    };
  }
  if (!target.startsWith('/'))
    return { ok: false, message: `path must start with "/" (got ${JSON.stringify(target)})` };
  const path = target.split(/[?#]/, 1)[0] ?? '/';
  return { ok: true, method, path };
}

/** The outcome of matching: a route with its path parameters, or AWS's no-match response. */
export type RouteMatch =
  | { ok: true; route: RouteConfig; params: Record<string, string>; apiKind: ApiKind; trace: TraceStep[] }
  | { ok: false; apiKind: ApiKind; reply: HttpReply; trace: TraceStep[]; decidedBy?: 'config' };

type SegmentRank = 3 | 2 | 1;

function segmentsOf(path: string): string[] {
  if (path === '/' || path === '') return [];
  return path.replace(/^\//, '').split('/');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Match an API Gateway path template; returns the parameters and a specificity rank per segment. */
export function matchTemplate(
  template: string,
  path: string,
): { params: Record<string, string>; ranks: SegmentRank[] } | undefined {
  const tpl = segmentsOf(template);
  const req = segmentsOf(path);
  const params: Record<string, string> = {};
  const ranks: SegmentRank[] = [];
  for (let i = 0; i < tpl.length; i++) {
    const t = tpl[i] ?? '';
    const greedy = /^\{([^{}]+)\+\}$/.exec(t);
    if (greedy) {
      if (i !== tpl.length - 1) return undefined;
      const rest = req.slice(i);
      if (rest.length === 0 || rest.some((s) => s === '')) return undefined;
      Object.defineProperty(params, greedy[1] ?? 'proxy', {
        value: rest.map(decodeSegment).join('/'),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      ranks.push(1);
      return { params, ranks };
    }
    const r = req[i];
    if (r === undefined || r === '') return undefined;
    const param = /^\{([^{}+]+)\}$/.exec(t);
    if (param) {
      Object.defineProperty(params, param[1] ?? '', {
        value: decodeSegment(r),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      ranks.push(2);
    } else if (t === r) {
      ranks.push(3);
    } else {
      return undefined;
    }
  }
  if (req.length !== tpl.length) return undefined;
  return { params, ranks };
}

/** Compare specificity: literal segments beat {param}, which beats {proxy+}, left to right. */
function compareRanks(a: SegmentRank[], b: SegmentRank[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}

/** ALB path pattern: `*` any run of characters, `?` exactly one, case-sensitive, whole path; linear time. */
export function matchAlbPattern(pattern: string, path: string): boolean {
  return matchesGlob(pattern, path);
}

function describeParams(params: Record<string, string>): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return '';
  return ` (path parameters: ${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})`;
}

function matchAlb(routes: readonly RouteConfig[], method: string, path: string): RouteMatch {
  const trace: TraceStep[] = [];
  for (const route of routes) {
    const methodOk = route.method === 'ANY' || route.method === method;
    const pattern = methodOk ? globMatch(route.path, path) : undefined;
    if (pattern && !pattern.ok)
      trace.push(step('route', 'warn', `ALB rule "${route.route}": ${pattern.message}; skipped`));
    if (pattern?.matched) {
      trace.push(
        step(
          'route',
          'pass',
          `ALB rule "${route.route}" matched ${method} ${path} (rules are evaluated in priority order)`,
        ),
      );
      return { ok: true, route, params: {}, apiKind: 'alb', trace };
    }
  }
  trace.push(
    step(
      'route',
      'fail',
      `no ALB rule matches ${method} ${path}; a real listener always has a default action (/*)`,
    ),
  );
  return { ok: false, apiKind: 'alb', reply: noRoute('alb'), trace };
}

function matchHttpApi(routes: readonly RouteConfig[], method: string, path: string): RouteMatch {
  const trace: TraceStep[] = [];
  let best: { route: RouteConfig; params: Record<string, string>; ranks: SegmentRank[] } | undefined;
  for (const route of routes) {
    if (route.method === '$default') continue;
    if (route.method !== 'ANY' && route.method !== method) continue;
    const m = matchTemplate(route.path, path);
    if (!m) continue;
    if (!best) {
      best = { route, ...m };
      continue;
    }
    const cmp = compareRanks(m.ranks, best.ranks);
    if (cmp > 0 || (cmp === 0 && best.route.method === 'ANY' && route.method !== 'ANY'))
      best = { route, ...m };
  }
  if (best) {
    trace.push(step('route', 'pass', `matched "${best.route.route}"${describeParams(best.params)}`));
    if (best.route.method === 'ANY') {
      trace.push(
        step('route', 'info', `no ${method} route on this path is more specific, so the ANY route is used`),
      );
    }
    return { ok: true, route: best.route, params: best.params, apiKind: 'http', trace };
  }
  const fallback = routes.find((r) => r.method === '$default');
  if (fallback) {
    trace.push(step('route', 'pass', `no route matches ${method} ${path}; the $default route catches it`));
    return { ok: true, route: fallback, params: {}, apiKind: 'http', trace };
  }
  trace.push(
    step('route', 'fail', `no route matches ${method} ${path} and there is no $default route: HTTP API 404`),
  );
  return { ok: false, apiKind: 'http', reply: noRoute('http'), trace };
}

/** The most specific other resource matching `path` that has `method` or ANY: what the disputed fallback would pick. */
function restFallback(
  routes: readonly RouteConfig[],
  method: string,
  path: string,
  skipped: string,
): RouteConfig | undefined {
  let best: { route: RouteConfig; ranks: SegmentRank[] } | undefined;
  for (const route of routes) {
    if (route.path === skipped || (route.method !== method && route.method !== 'ANY')) continue;
    const m = matchTemplate(route.path, path);
    if (!m) continue;
    const cmp = best ? compareRanks(m.ranks, best.ranks) : 1;
    if (cmp > 0 || (cmp === 0 && best?.route.method === 'ANY' && route.method === method))
      best = { route, ranks: m.ranks };
  }
  return best?.route;
}

function matchRestApi(routes: readonly RouteConfig[], method: string, path: string): RouteMatch {
  const trace: TraceStep[] = [];
  let best: { path: string; params: Record<string, string>; ranks: SegmentRank[] } | undefined;
  for (const route of routes) {
    const m = matchTemplate(route.path, path);
    if (!m) continue;
    if (!best || compareRanks(m.ranks, best.ranks) > 0) best = { path: route.path, ...m };
  }
  if (!best) {
    trace.push(
      step(
        'route',
        'fail',
        `no resource matches ${path}: REST APIs answer 403 "Missing Authentication Token" (not 404) for unknown paths`,
      ),
    );
    return { ok: false, apiKind: 'rest', reply: noRoute('rest'), trace };
  }
  const onResource = routes.filter((r) => r.path === best.path);
  const exact = onResource.find((r) => r.method === method);
  const any = onResource.find((r) => r.method === 'ANY');
  const route = exact ?? any;
  if (!route) {
    const defined = onResource.map((r) => r.method).join(', ');
    trace.push(
      step(
        'route',
        'fail',
        `resource ${best.path} matches but has no ${method} or ANY method (it has ${defined}): 403 "Missing Authentication Token"`,
      ),
    );
    const fallback = restFallback(routes, method, path, best.path);
    trace.push(
      step(
        'route',
        'warn',
        `unverified (observed by emulator authors, not documented): floci-io/floci PR #3399 and ministackorg/ministack PR #1423, measuring AWS, report that a REST API then falls back to a less specific resource that has the method (a {param} sibling, ANY /{proxy+})${fallback ? `, here ${fallback.route}` : '; no other resource here matches with this method'}; the simulator keeps the 403`,
      ),
    );
    return { ok: false, apiKind: 'rest', reply: noRoute('rest'), trace };
  }
  trace.push(
    step(
      'route',
      'pass',
      `matched resource ${best.path}, method ${route.method}${describeParams(best.params)}`,
    ),
  );
  return { ok: true, route, params: best.params, apiKind: 'rest', trace };
}

const ALB_GROUP = '\u0000alb';
// Joins an API's name and the kind of one of its parts when its routes imply two kinds.
const KIND_SEPARATOR = '\u0000kind:';

function groupLabel(key: string): string {
  if (key === ALB_GROUP) return 'the ALB listener';
  const at = key.indexOf(KIND_SEPARATOR);
  if (at >= 0) {
    const kind = key.slice(at + KIND_SEPARATOR.length) === 'http' ? 'HTTP API' : 'REST API';
    const api = key.slice(0, at);
    return api === '' ? `the ${kind}` : `the ${kind} part of API ${api}`;
  }
  return key === '' ? 'the API' : `API ${key}`;
}

/** Match a request against the configured routes, per API, the way each front door does. */
export function matchRoute(
  config: Pick<SimConfig, 'api' | 'authorizers' | 'routes'>,
  method: string,
  rawPath: string,
): RouteMatch {
  let path = rawPath;
  const notes: TraceStep[] = [];
  if (path.length > 1 && path.endsWith('/')) {
    path = trimTrailingSlashes(path) || '/';
    notes.push(step('route', 'info', `trailing "/" ignored for matching: ${rawPath} -> ${path}`));
  }
  const groups = new Map<string, RouteConfig[]>();
  for (const route of config.routes) {
    // An ALB listener is a front door of its own, even beside API Gateway routes of the same file.
    const alb = route.apiKind === 'alb' || route.authorizerType === 'alb';
    const key = route.api ?? (alb ? ALB_GROUP : '');
    const list = groups.get(key) ?? [];
    list.push(route);
    groups.set(key, list);
  }
  if (groups.size === 0) {
    const kind = config.api.kind ?? 'rest';
    return {
      ok: false,
      apiKind: kind,
      reply: noRoute(kind),
      trace: [...notes, step('route', 'fail', 'the configuration has no routes')],
    };
  }
  const results: { api: string; result: RouteMatch }[] = [];
  for (const [api, routes] of groups) {
    const split: ApiKindSplit =
      api === ALB_GROUP
        ? {
            ok: true,
            parts: [{ kind: 'alb', routes, sources: new Map(routes.map((r) => [r, 'authorizer' as const])) }],
          }
        : splitByApiKind(routes, config.api.kind);
    if (!split.ok) {
      // Never simulate half one way and half the other: the whole configuration is refused, naming the fix.
      const kind = config.api.kind ?? 'rest';
      return {
        ok: false,
        apiKind: kind,
        reply: {
          status: 500,
          body: JSON.stringify({ message: 'configuration names no API kind' }),
          headers: {},
        },
        decidedBy: 'config',
        trace: [...notes, ...split.problems.map((p) => step('config', 'fail', p.message))],
      };
    }
    const several = split.parts.length > 1;
    for (const part of split.parts) {
      const result =
        part.kind === 'alb'
          ? matchAlb(part.routes, method, path)
          : part.kind === 'http'
            ? matchHttpApi(part.routes, method, path)
            : matchRestApi(part.routes, method, path);
      if (result.ok) {
        const source = part.sources.get(result.route) ?? 'default';
        const derivedSplit = several && source === 'authorizer';
        const note = describeApiKindSource(part.kind, source, derivedSplit);
        if (note !== undefined) result.trace.push(step('api-kind', 'info', note));
      }
      results.push({ api: several ? `${api}${KIND_SEPARATOR}${part.kind}` : api, result });
    }
  }
  const hits = results.filter((r) => r.result.ok);
  const chosen = hits[0] ?? results[0];
  if (!chosen) throw new Error('unreachable: no route groups');
  const trace = [...notes];
  if (results.length > 1) {
    trace.push(
      step(
        'route',
        'info',
        `${results.length} separate APIs or listeners configured; the request goes to ${groupLabel(chosen.api)}`,
      ),
    );
  }
  trace.push(...chosen.result.trace);
  if (hits.length > 1) {
    trace.push(
      step(
        'route',
        'warn',
        `the request also matches in: ${hits
          .slice(1)
          .map((h) => groupLabel(h.api))
          .join(', ')}`,
      ),
    );
  }
  return { ...chosen.result, trace };
}
