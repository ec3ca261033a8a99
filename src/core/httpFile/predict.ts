// What API Gateway or the ALB would answer to each request of a `.http` file: the request's URL mapped to an API
// and a route of the workspace configuration, its headers (variables expanded) handed to the one simulator, and
// the outcome in one line ("→ 401: access token on a route without scopes", "→ 200 (pool, admin)").
// Shared by the editor's CodeLens, "Simulate All Requests in File" and `authdbg http`. The simulator is injected:
// the editor loads it lazily (a separate bundle) and passes a cache-only key provider, so nothing waits on the network.
import { parseExecuteApiHost } from '../awsIdentifiers.ts';
import { readGroups } from '../claims.ts';
import type { ApiCoordinates, SimConfig } from '../config/model.ts';
import { decodeToken } from '../decode.ts';
import { simulationReason } from '../explain/verdict.ts';
import type { VerifyDeps } from '../keys/types.ts';
import type { SimulationOptions, SimulationRequest, SimulationResult } from '../simulate/result.ts';
import { HTTP_METHODS, matchRoute } from '../simulate/routeMatch.ts';
import { trimTrailingSlashes } from '../textScan.ts';
import type { HttpFile, HttpRequestBlock } from './parse.ts';
import type { HttpVariableResolver, ReferenceResolution, ReferenceSpan } from './variables.ts';
import { describeResolution, referenceSpans } from './variables.ts';

/** One workspace configuration the requests may target. */
export interface HttpTargetConfig {
  /** Shown in tables ("authdebug.yaml", "template.yaml"). */
  label: string;
  config: SimConfig;
}

/** Base URL (or a `{{host}}`-style prefix as written) -> API id: a route's `api`, an API's `apiId`, or a config label. */
export type BaseUrlMap = Readonly<Record<string, string>>;

/** How the request's URL was tied to an API. */
export type MappedBy = 'base-url-setting' | 'execute-api-host' | 'single-api' | 'path-match';

/** A request ready for the simulator. */
export interface PlannedRequest {
  kind: 'planned';
  request: HttpRequestBlock;
  method: string;
  /** Path (stage and base URL removed) with the query string. */
  path: string;
  /** Header lines with variables expanded (only complete, well-formed ones). */
  headers: { name: string; value: string }[];
  /** The Authorization header's value, expanded, when there is one. */
  token: string | undefined;
  target: HttpTargetConfig;
  /** The configuration narrowed to the one API the URL maps to. */
  config: SimConfig;
  api: string | undefined;
  mappedBy: MappedBy;
  /** The route that matched (as written in the configuration). */
  route: string;
}

/** Why a request gets no prediction; `reason` is a sentence. */
export type SkipKind =
  'method' | 'url-unresolved' | 'no-route' | 'ambiguous' | 'token-pending' | 'token-unresolved' | 'no-config';

export interface SkippedRequest {
  kind: 'skipped';
  request: HttpRequestBlock;
  skip: SkipKind;
  reason: string;
}

export type RequestPlan = PlannedRequest | SkippedRequest;

/** A quick fix the file itself makes possible: another variable holds the token kind the route wants. */
export interface TokenVariableFix {
  /** "use the ID token variable idToken instead" */
  title: string;
  variable: string;
  line: number;
  /** The `{{...}}` to replace on `line` (columns). */
  start: number;
  end: number;
  replacement: string;
}

export interface HttpPrediction {
  kind: 'predicted';
  plan: PlannedRequest;
  result: SimulationResult;
  /** "→ 401: access token on a route without scopes", "→ 200 (pool, admin)". */
  label: string;
  /** The deciding step in one sentence (simulationReason). */
  reason: string;
  fix?: TokenVariableFix;
}

/** Lines of a file are planned at most this many at a time (the CodeLens of a 10,000-request file stays bounded). */
export const MAX_PREDICTED_REQUESTS = 500;
const MAX_LABEL = 120;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

interface ApiGroup {
  target: HttpTargetConfig;
  api: string | undefined;
}

/** Every (configuration, API) pair: the routes of one API are matched apart from another's. */
function apiGroups(targets: readonly HttpTargetConfig[]): ApiGroup[] {
  const groups: ApiGroup[] = [];
  for (const target of targets) {
    const apis = new Set<string | undefined>(target.config.routes.map((route) => route.api));
    for (const api of apis) groups.push({ target, api });
  }
  return groups;
}

function narrowed(group: ApiGroup): SimConfig {
  const config = group.target.config;
  const routes = config.routes.filter((route) => route.api === group.api);
  if (routes.length === config.routes.length) return config;
  const coordinates: ApiCoordinates | undefined =
    group.api !== undefined && config.apis !== undefined && Object.hasOwn(config.apis, group.api)
      ? config.apis[group.api]
      : undefined;
  return { ...config, routes, api: coordinates ?? config.api };
}

/** The groups an API id names: a route's `api`, an API's deployed `apiId`, or a configuration's label. */
function groupsNamed(groups: readonly ApiGroup[], id: string): ApiGroup[] {
  return groups.filter((group) => {
    const config = group.target.config;
    if (group.api !== undefined && group.api === id) return true;
    if (group.target.label === id || config.file === id) return true;
    if (group.api === undefined && config.api.apiId === id) return true;
    const coordinates =
      group.api !== undefined && config.apis !== undefined && Object.hasOwn(config.apis, group.api)
        ? config.apis[group.api]
        : undefined;
    return coordinates?.apiId === id;
  });
}

function stageOf(group: ApiGroup): string | undefined {
  const config = group.target.config;
  const coordinates =
    group.api !== undefined && config.apis !== undefined && Object.hasOwn(config.apis, group.api)
      ? config.apis[group.api]
      : config.api;
  const stage = coordinates?.stage;
  return stage === undefined || stage === '' || stage === '$default' ? undefined : stage;
}

/** The path and query of a URL (absolute or starting with "/"), or undefined. */
function splitUrl(url: string): { host: string | undefined; path: string; query: string } | undefined {
  let rest = url.trim();
  let host: string | undefined;
  const scheme = rest.indexOf('://');
  if (scheme !== -1 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(rest.slice(0, scheme))) {
    const afterScheme = rest.slice(scheme + 3);
    const slash = afterScheme.search(/[/?#]/);
    host = (slash === -1 ? afterScheme : afterScheme.slice(0, slash)).toLowerCase();
    rest = slash === -1 ? '/' : afterScheme.slice(slash);
  } else if (!rest.startsWith('/')) {
    // "example.com/orders" without a scheme: REST Client sends it as http://.
    const slash = rest.search(/[/?#]/);
    if (slash === -1) return { host: rest.toLowerCase(), path: '/', query: '' };
    host = rest.slice(0, slash).toLowerCase();
    rest = rest.slice(slash);
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  const path = question === -1 ? rest : rest.slice(0, question);
  const query = question === -1 ? '' : rest.slice(question);
  return { host, path: path === '' ? '/' : path, query };
}

function routeHit(group: ApiGroup, method: string, path: string): string | undefined {
  const match = matchRoute(narrowed(group), method, path);
  return match.ok ? match.route.route : undefined;
}

/** With the stage as the first segment (REST API invoke URLs), also without it. */
function candidatePaths(group: ApiGroup, path: string): string[] {
  const stage = stageOf(group);
  const prefix = stage === undefined ? undefined : `/${stage}`;
  if (prefix !== undefined && (path === prefix || path.startsWith(`${prefix}/`))) {
    return [path.slice(prefix.length) || '/', path];
  }
  return [path];
}

interface Located {
  group: ApiGroup;
  path: string;
  route: string;
  mappedBy: MappedBy;
}

function firstHit(group: ApiGroup, method: string, path: string, mappedBy: MappedBy): Located | undefined {
  for (const candidate of candidatePaths(group, path)) {
    const route = routeHit(group, method, candidate);
    if (route !== undefined) return { group, path: candidate, route, mappedBy };
  }
  return undefined;
}

/** The base URL setting's longest prefix of `url` (as expanded, or as written for `{{host}}` keys). */
function baseUrlPrefix(
  baseUrls: BaseUrlMap,
  expandedUrl: string,
  writtenUrl: string,
): { id: string; rest: string } | undefined {
  let best: { id: string; rest: string; length: number } | undefined;
  for (const [rawBase, id] of Object.entries(baseUrls)) {
    const base = trimTrailingSlashes(rawBase.trim());
    if (base === '') continue;
    for (const url of [expandedUrl, writtenUrl]) {
      if (!url.toLowerCase().startsWith(base.toLowerCase())) continue;
      const next = url.charAt(base.length);
      if (next !== '' && next !== '/' && next !== '?' && next !== '#') continue;
      if (best === undefined || base.length > best.length) {
        const rest = url.slice(base.length);
        best = { id, rest: rest.startsWith('/') ? rest : `/${rest}`, length: base.length };
      }
    }
  }
  return best === undefined ? undefined : { id: best.id, rest: best.rest };
}

function skipped(request: HttpRequestBlock, skip: SkipKind, reason: string): SkippedRequest {
  return { kind: 'skipped', request, skip, reason };
}

/** The first reference of `resolutions` that does not have a fixed value. */
function firstOpen(
  references: { span: ReferenceSpan; resolution: ReferenceResolution }[],
): ReferenceResolution | undefined {
  return references.find((r) => r.resolution.status !== 'resolved')?.resolution;
}

/** Plan one request: expand its URL and headers, map it to an API and a route. */
export function planRequest(
  request: HttpRequestBlock,
  resolver: HttpVariableResolver,
  targets: readonly HttpTargetConfig[],
  baseUrls: BaseUrlMap = {},
): RequestPlan {
  const method = request.method.toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method))
    return skipped(request, 'method', `${method} requests are not simulated`);
  if (targets.length === 0)
    return skipped(request, 'no-config', 'no simulator configuration in the workspace');
  const groups = apiGroups(targets);
  const url = resolver.expand(request.url);
  const mapped = baseUrlPrefix(baseUrls, url.text, request.url);
  let located: Located | undefined;
  let query = '';
  if (mapped !== undefined) {
    const parts = splitUrl(mapped.rest);
    if (parts === undefined || referenceSpans(parts.path, 1).length > 0) {
      const open = firstOpen(url.references);
      return skipped(request, 'url-unresolved', open ? describeResolution(open) : 'the URL cannot be read');
    }
    query = parts.query;
    const named = groupsNamed(groups, mapped.id);
    if (named.length === 0)
      return skipped(
        request,
        'no-route',
        `authDebugger.http.baseUrls maps this URL to ${mapped.id}, which no configuration defines`,
      );
    const hits = named.flatMap((group) => firstHit(group, method, parts.path, 'base-url-setting') ?? []);
    located = hits[0];
    if (!located)
      return skipped(request, 'no-route', `no route of ${mapped.id} matches ${method} ${parts.path}`);
  } else {
    if (!url.complete && referenceSpans(url.text, 1).some((span) => span.start === 0)) {
      // "{{host}}/orders" with no value for host: the API cannot be told; say which variable is missing.
      const open = firstOpen(url.references);
      return skipped(request, 'url-unresolved', open ? describeResolution(open) : 'the URL cannot be read');
    }
    const parts = splitUrl(url.text);
    if (parts === undefined || referenceSpans(parts.path, 1).length > 0) {
      const open = firstOpen(url.references);
      return skipped(request, 'url-unresolved', open ? describeResolution(open) : 'the URL cannot be read');
    }
    query = parts.query;
    const executeApiId = parseExecuteApiHost(parts.host)?.apiId;
    const byHost = executeApiId === undefined ? [] : groupsNamed(groups, executeApiId);
    if (byHost.length > 0) {
      located = byHost.flatMap((group) => firstHit(group, method, parts.path, 'execute-api-host') ?? [])[0];
    } else if (groups.length === 1 && groups[0] !== undefined) {
      located = firstHit(groups[0], method, parts.path, 'single-api');
    } else {
      const hits = groups.flatMap((group) => firstHit(group, method, parts.path, 'path-match') ?? []);
      if (hits.length > 1) {
        const names = hits.map((hit) => hit.group.api ?? hit.group.target.label);
        return skipped(
          request,
          'ambiguous',
          `${method} ${parts.path} matches routes of several APIs (${[...new Set(names)].join(', ')}): map the base URL with authDebugger.http.baseUrls`,
        );
      }
      located = hits[0];
    }
    if (!located) return skipped(request, 'no-route', `no configured route matches ${method} ${parts.path}`);
  }
  if (/\s/.test(located.path) || /\s/.test(query))
    return skipped(request, 'url-unresolved', 'the URL holds white space after expansion');

  const headers: { name: string; value: string }[] = [];
  let token: string | undefined;
  for (const header of request.headers) {
    const expanded = resolver.expand(header.value);
    const isAuthorization = header.name.toLowerCase() === 'authorization';
    if (!expanded.complete) {
      const open = firstOpen(expanded.references);
      if (isAuthorization && open !== undefined) {
        const pending = open.status === 'after-request';
        return skipped(
          request,
          pending ? 'token-pending' : 'token-unresolved',
          pending
            ? `the token is ${describeResolution(open)}`
            : `the token cannot be read: ${describeResolution(open)}`,
        );
      }
      continue;
    }
    if (!HEADER_NAME.test(header.name) || /[\r\n]/.test(expanded.text)) continue;
    headers.push({ name: header.name, value: expanded.text });
    if (isAuthorization) token = expanded.text;
  }
  return {
    kind: 'planned',
    request,
    method,
    path: `${located.path}${query}`,
    headers,
    token,
    target: located.group.target,
    config: narrowed(located.group),
    api: located.group.api,
    mappedBy: located.mappedBy,
    route: located.route,
  };
}

/** Every request of the file planned (at most MAX_PREDICTED_REQUESTS, in file order). */
export function planFile(
  file: HttpFile,
  resolver: HttpVariableResolver,
  targets: readonly HttpTargetConfig[],
  baseUrls: BaseUrlMap = {},
): RequestPlan[] {
  return file.requests
    .slice(0, MAX_PREDICTED_REQUESTS)
    .map((request) => planRequest(request, resolver, targets, baseUrls));
}

/** What the simulator is given for a plan: the route line and every header as one header block. */
export function simulationRequestOf(plan: PlannedRequest): SimulationRequest {
  const request: SimulationRequest = { config: plan.config, route: `${plan.method} ${plan.path}` };
  if (plan.headers.length > 0) request.token = plan.headers.map((h) => `${h.name}: ${h.value}`).join('\n');
  return request;
}

export type Simulator = (
  request: SimulationRequest,
  options: SimulationOptions,
  deps: VerifyDeps,
) => Promise<SimulationResult>;

function shorten(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

/** Claims of a compact token (payload), or undefined. */
function claimsOf(token: string | undefined): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  const bare = token.replace(/^\s*bearer\s+/i, '').trim();
  const decoded = decodeToken(bare);
  return decoded.token.payload ?? undefined;
}

/** The one-line outcome: the status and the reason (deny) or who let it through (allow). */
export function predictionLabel(result: SimulationResult, token: string | undefined): string {
  if (result.decision === 'allow') {
    const who: string[] = [];
    if (result.authorizer?.name) who.push(result.authorizer.name);
    else if (result.authorizer)
      who.push(result.authorizer.type === 'none' ? 'no authorizer' : result.authorizer.type);
    const claims = claimsOf(token);
    if (claims) who.push(...readGroups(claims).slice(0, 3));
    return shorten(`→ ${result.status}${who.length > 0 ? ` (${who.join(', ')})` : ''}`);
  }
  const hint = result.decidingStep?.hint;
  if (hint?.kind === 'token-kind') {
    const sent = hint.sent === 'access' ? 'access token' : 'ID token';
    return shorten(
      `→ ${result.status}: ${sent} on a route ${hint.send === 'id' ? 'without scopes' : 'with scopes'}`,
    );
  }
  return shorten(`→ ${result.status}: ${simulationReason(result).reason}`);
}

/**
 * "Use the ID token variable instead": when the route wants the other kind of Cognito token and the request's
 * Authorization header is one `{{variable}}`, a file variable holding that kind from the same issuer.
 */
export function tokenVariableFix(
  plan: PlannedRequest,
  result: SimulationResult,
  resolver: HttpVariableResolver,
): TokenVariableFix | undefined {
  const hint = result.decidingStep?.hint;
  if (hint?.kind !== 'token-kind') return undefined;
  const header = plan.request.headers.find((h) => h.name.toLowerCase() === 'authorization');
  if (!header) return undefined;
  const spans = referenceSpans(header.value, 2);
  const span = spans[0];
  if (spans.length !== 1 || span === undefined || span.expression.startsWith('$')) return undefined;
  const sentIssuer = claimsOf(plan.token)?.['iss'];
  const wanted = hint.send === 'id' ? 'cognito-id' : 'cognito-access';
  for (const variable of resolver.file.variables) {
    if (variable.name === span.expression) continue;
    const resolved = resolver.resolve(variable.name);
    if (resolved.status !== 'resolved') continue;
    const decoded = decodeToken(resolved.value.replace(/^\s*bearer\s+/i, '').trim());
    if (decoded.token.kind !== wanted) continue;
    if (sentIssuer !== undefined && decoded.token.payload?.['iss'] !== sentIssuer) continue;
    return {
      title: `use the ${hint.send === 'id' ? 'ID' : 'access'} token variable ${variable.name} instead`,
      variable: variable.name,
      line: header.line,
      start: header.valueColumn + span.start,
      end: header.valueColumn + span.end,
      replacement: `{{${variable.name}}}`,
    };
  }
  return undefined;
}

/** Run one planned request through the simulator. Never throws: a failing simulator is reported by the caller. */
export async function predict(
  plan: PlannedRequest,
  resolver: HttpVariableResolver,
  simulate: Simulator,
  options: SimulationOptions,
  deps: VerifyDeps,
): Promise<HttpPrediction> {
  const result = await simulate(simulationRequestOf(plan), options, deps);
  const prediction: HttpPrediction = {
    kind: 'predicted',
    plan,
    result,
    label: predictionLabel(result, plan.token),
    reason: simulationReason(result).reason,
  };
  const fix = tokenVariableFix(plan, result, resolver);
  if (fix) prediction.fix = fix;
  return prediction;
}

/** A file's requests with their outcomes, in file order: what the table and the CLI show. */
export interface HttpOutcomeRow {
  line: number;
  name?: string;
  method: string;
  path: string;
  route: string | undefined;
  decision: 'allow' | 'deny' | 'skipped';
  status: number | undefined;
  /** The deciding step's sentence, or why the request was skipped. */
  step: string;
  label: string;
}

export function outcomeRow(outcome: HttpPrediction | SkippedRequest): HttpOutcomeRow {
  if (outcome.kind === 'skipped') {
    const row: HttpOutcomeRow = {
      line: outcome.request.requestLine + 1,
      method: outcome.request.method,
      path: outcome.request.url,
      route: undefined,
      decision: 'skipped',
      status: undefined,
      step: outcome.reason,
      label: `no prediction: ${outcome.reason}`,
    };
    if (outcome.request.name !== undefined) row.name = outcome.request.name;
    return row;
  }
  const row: HttpOutcomeRow = {
    line: outcome.plan.request.requestLine + 1,
    method: outcome.plan.method,
    path: outcome.plan.path,
    route: outcome.result.route?.route ?? outcome.plan.route,
    decision: outcome.result.decision,
    status: outcome.result.status,
    step: outcome.reason,
    label: outcome.label,
  };
  if (outcome.plan.request.name !== undefined) row.name = outcome.plan.request.name;
  return row;
}

/** Plan and simulate every request of a file, one after another (the simulator is fast with cached keys). */
export async function predictFile(
  file: HttpFile,
  resolver: HttpVariableResolver,
  targets: readonly HttpTargetConfig[],
  baseUrls: BaseUrlMap,
  simulate: Simulator,
  options: SimulationOptions,
  deps: VerifyDeps,
): Promise<(HttpPrediction | SkippedRequest)[]> {
  const outcomes: (HttpPrediction | SkippedRequest)[] = [];
  for (const plan of planFile(file, resolver, targets, baseUrls)) {
    outcomes.push(plan.kind === 'skipped' ? plan : await predict(plan, resolver, simulate, options, deps));
  }
  return outcomes;
}
