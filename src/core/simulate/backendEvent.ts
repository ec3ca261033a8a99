// The one builder of the complete event the backend receives after an allow: the REST proxy event, the HTTP API
// event (payload 2.0 and 1.0) and the ALB Lambda target event, with requestContext.authorizer as the simulator's
// authorizer step shaped it (backendContext.ts). Sources and what is observed: docs/aws-behaviour.md, "Backend events".
import { createHash } from 'node:crypto';
import { PARTITION_DNS_SUFFIX, isAwsRegion, regionPartition } from '../awsIdentifiers.ts';
import type { ApiCoordinates, ApiKind } from '../config/model.ts';
import type { JsonObject, JsonValue } from '../types.ts';
import { setOwn } from './backendContext.ts';
import { apiCoordinatesOf } from './cors.ts';
import { findIdentity, queryOf } from './identitySource.ts';
import type { SimulationRequest, SimulationResult } from './result.ts';
import { parseRequestLine } from './routeMatch.ts';

export type BackendEventKind = 'rest-proxy' | 'http-2.0' | 'http-1.0' | 'alb-target';

/** The event, its kind, and what in it is a placeholder or observed rather than documented. */
export interface BackendEvent {
  kind: BackendEventKind;
  event: JsonObject;
  /** One sentence per placeholder or non-documented field, for the CLI's stderr and the Simulator. */
  notes: string[];
}

export interface BackendEventOptions {
  /** HTTP API integration payload format; default 2.0 (REST and ALB events have one shape). */
  payloadVersion?: '1.0' | '2.0';
  /** Epoch seconds of the request: requestTimeEpoch, time and the request id derive from it (default 0). */
  now?: number;
  /** Request body text (absent: no body). */
  body?: string;
  /** ALB target group with `lambda.multi_value_headers.enabled`: multi-value headers and query instead. */
  albMultiValue?: boolean;
}

/** One request header as the client sent it. */
interface RequestHeader {
  name: string;
  value: string;
}

const HEADER_LINE = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]*:[ \t]*(.*)$/;
/** Placeholders the simulator cannot know (documentation addresses, RFC 5737). */
const SOURCE_IP = '192.0.2.10';
const USER_AGENT = 'authdbg';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The headers AWS adds itself: a client's own copies are replaced, never passed through. */
const ALB_OWN_HEADERS = ['x-amzn-oidc-data', 'x-amzn-oidc-identity', 'x-amzn-oidc-accesstoken'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `12/Mar/2020:19:03:58 +0000`, the `$context.requestTime` format (documented examples). */
export function clfTime(epochSeconds: number): string {
  const d = new Date(Math.floor(epochSeconds) * 1000);
  if (Number.isNaN(d.getTime())) return '01/Jan/1970:00:00:00 +0000';
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] ?? 'Jan'}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** A request id that is stable for the same request and instant (tests and `sam local invoke` fixtures). */
function requestId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Header lines of a pasted header block, in order (the request line and non-header lines are skipped). */
function headerBlockLines(text: string | undefined): RequestHeader[] {
  if (text === undefined) return [];
  const lines = text.split(/\r?\n/);
  if (lines.length < 2 && !HEADER_LINE.test(text.trim())) return [];
  const headers: RequestHeader[] = [];
  for (const line of lines) {
    const m = HEADER_LINE.exec(line.trim());
    // "https://..." is a URL, not a header named https.
    if (m && !/^https?$/i.test(m[1] ?? '') && !(m[2] ?? '').startsWith('//'))
      headers.push({ name: m[1] ?? '', value: (m[2] ?? '').trim() });
  }
  return headers;
}

function hasHeader(headers: readonly RequestHeader[], name: string): boolean {
  const wanted = name.toLowerCase();
  return headers.some((h) => h.name.toLowerCase() === wanted);
}

/** The identity-source header an authorizer reads (`method.request.header.X` / `$request.header.X` / a name). */
function identityHeaderName(request: SimulationRequest, result: SimulationResult): string | undefined {
  const name = result.authorizer?.name;
  const config = request.config;
  const auth =
    name !== null && name !== undefined && Object.hasOwn(config.authorizers, name)
      ? config.authorizers[name]
      : undefined;
  if (!auth)
    return result.authorizer?.type === 'iam' || result.authorizer?.type === 'none'
      ? undefined
      : 'Authorization';
  if (auth.type === 'alb') return undefined;
  const source = auth.identitySources?.[0] ?? auth.identitySource ?? 'Authorization';
  const m = /^(?:method\.request\.header\.|\$request\.header\.)(.+)$/.exec(source);
  if (m) return m[1];
  return /[.$]/.test(source) ? undefined : source;
}

/** The request's headers: the header block as given, else the token in the authorizer's identity-source header. */
function requestHeaders(
  request: SimulationRequest,
  result: SimulationResult,
  kind: ApiKind,
): RequestHeader[] {
  const headers = headerBlockLines(request.token);
  const identity = identityHeaderName(request, result);
  if (identity !== undefined && !hasHeader(headers, identity)) {
    const bare = request.token ?? request.decoded?.token.text;
    const found = findIdentity(bare, identity).value;
    if (found)
      headers.push({ name: identity, value: found.scheme ? `${found.scheme} ${found.token}` : found.token });
  }
  if (kind === 'alb') return headers.filter((h) => !ALB_OWN_HEADERS.includes(h.name.toLowerCase()));
  return headers;
}

/** Object with own properties only (hostile names such as "__proto__" stay data). */
function ownObject(entries: Iterable<[string, JsonValue]>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of entries) setOwn(out, key, value);
  return out;
}

/** Header name -> every value, names grouped case-insensitively under the first spelling (or lower-cased). */
function groupHeaders(headers: readonly RequestHeader[], lower: boolean): Map<string, string[]> {
  const byLower = new Map<string, string>();
  const grouped = new Map<string, string[]>();
  for (const h of headers) {
    const key = h.name.toLowerCase();
    const name = lower ? key : (byLower.get(key) ?? h.name);
    byLower.set(key, name);
    const list = grouped.get(name) ?? [];
    list.push(h.value);
    grouped.set(name, list);
  }
  return grouped;
}

/** The raw query string of the request line ("" without one), fragment dropped. */
function rawQuery(line: string): string {
  const target = line.trim().split(/\s+/)[1] ?? '';
  const start = target.indexOf('?');
  return start === -1 ? '' : (target.slice(start + 1).split('#', 1)[0] ?? '');
}

/** ALB query values are passed as sent: "If the query parameters are URL-encoded, the load balancer does not decode them". */
function rawQueryPairs(query: string): [string, string][] {
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

/** The `authorizer` object of the simulator's backend context, if the route's authorizer produced one. */
function authorizerOf(result: SimulationResult): JsonObject | undefined {
  const context = result.backendContext;
  const requestContext = context?.requestContext;
  if (!isRecord(requestContext)) return undefined;
  const authorizer = requestContext.authorizer;
  return isRecord(authorizer) ? authorizer : undefined;
}

/** Everything every event kind starts from. */
interface EventInput {
  request: SimulationRequest;
  result: SimulationResult;
  method: string;
  path: string;
  line: string;
  coords: ApiCoordinates;
  headers: RequestHeader[];
  now: number;
  body: string | undefined;
  notes: string[];
}

/** The API's region, or `<region>` when the configuration holds a placeholder (never put in a host unchecked). */
function regionOf(coords: ApiCoordinates): string {
  return isAwsRegion(coords.region) ? coords.region : '<region>';
}

function dnsSuffix(coords: ApiCoordinates): string {
  return PARTITION_DNS_SUFFIX[regionPartition(coords.region) ?? 'aws'];
}

function domainOf(coords: ApiCoordinates): { domainName: string; domainPrefix: string } {
  const prefix = coords.apiId !== '' ? coords.apiId : '<apiId>';
  return {
    domainPrefix: prefix,
    domainName: `${prefix}.execute-api.${regionOf(coords)}.${dnsSuffix(coords)}`,
  };
}

function withHost(input: EventInput): RequestHeader[] {
  if (hasHeader(input.headers, 'host')) return input.headers;
  return [{ name: 'Host', value: domainOf(input.coords).domainName }, ...input.headers];
}

function pathParameters(result: SimulationResult): JsonObject | null {
  const params = result.route?.params ?? {};
  return Object.keys(params).length === 0 ? null : ownObject(Object.entries(params));
}

function stageVariables(request: SimulationRequest): JsonObject | null {
  const vars = request.stageVariables ?? {};
  return Object.keys(vars).length === 0 ? null : ownObject(Object.entries(vars));
}

function context(input: EventInput, name: string, fallback: string): string {
  const given = input.request.contextValues;
  return given !== undefined && Object.hasOwn(given, name) ? (given[name] ?? fallback) : fallback;
}

/** REST identity block: every field present, null unless known (documented example). */
function restIdentity(input: EventInput, userAgent: string): JsonObject {
  return {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp: context(input, 'identity.sourceIp', SOURCE_IP),
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent,
    user: null,
  };
}

function userAgentOf(headers: readonly RequestHeader[]): string {
  return headers.find((h) => h.name.toLowerCase() === 'user-agent')?.value ?? USER_AGENT;
}

/** Single-value and multi-value maps, REST style: the single map keeps the last value (documented example). */
function restMaps(grouped: Map<string, string[]>): { single: JsonObject | null; multi: JsonObject | null } {
  if (grouped.size === 0) return { single: null, multi: null };
  return {
    single: ownObject([...grouped].map(([k, v]) => [k, v.at(-1) ?? ''])),
    multi: ownObject([...grouped].map(([k, v]) => [k, [...v]])),
  };
}

function restEvent(input: EventInput): JsonObject {
  const { result, method, path, coords, now } = input;
  const route = result.route;
  const stage = coords.stage !== '' ? coords.stage : '<stage>';
  const headers = withHost(input);
  const headerMaps = restMaps(groupHeaders(headers, false));
  const queryMaps = restMaps(queryOf(input.line));
  const id = context(input, 'requestId', requestId(`${method} ${input.line} ${now}`));
  const requestContext: JsonObject = {
    resourceId: '<resourceId>',
    resourcePath: route?.path ?? path,
    httpMethod: method,
    extendedRequestId: context(input, 'extendedRequestId', `${id.slice(0, 8)}=`),
    requestTime: context(input, 'requestTime', clfTime(now)),
    path: `/${stage}${path}`,
    accountId: coords.accountId,
    protocol: 'HTTP/1.1',
    stage,
    ...domainOf(coords),
    requestTimeEpoch: Math.floor(now * 1000),
    requestId: id,
    identity: restIdentity(input, userAgentOf(headers)),
    apiId: coords.apiId,
  };
  const authorizer = authorizerOf(result);
  if (authorizer) requestContext.authorizer = authorizer;
  return {
    resource: route?.path ?? path,
    path,
    httpMethod: method,
    headers: headerMaps.single,
    multiValueHeaders: headerMaps.multi,
    queryStringParameters: queryMaps.single,
    multiValueQueryStringParameters: queryMaps.multi,
    pathParameters: pathParameters(result),
    stageVariables: stageVariables(input.request),
    requestContext,
    body: input.body ?? null,
    isBase64Encoded: false,
  };
}

/** HTTP API stage: a named stage is part of rawPath (observed); `$default` (or none known) is not. */
function httpStage(coords: ApiCoordinates): { stage: string; prefix: string } {
  const stage = coords.stage === '' || coords.stage === '<stage>' ? '$default' : coords.stage;
  return { stage, prefix: stage === '$default' ? '' : `/${stage}` };
}

function http2Event(input: EventInput): JsonObject {
  const { result, method, path, coords, now } = input;
  const { stage, prefix } = httpStage(coords);
  const cookieValues = input.headers.filter((h) => h.name.toLowerCase() === 'cookie').map((h) => h.value);
  const others = withHost({
    ...input,
    headers: input.headers.filter((h) => h.name.toLowerCase() !== 'cookie'),
  });
  // Format 2.0: duplicate headers and query values are combined with commas (documented).
  const headers = ownObject([...groupHeaders(others, true)].map(([k, v]) => [k, v.join(',')]));
  const query = queryOf(input.line);
  const routeKey = result.route?.route ?? '$default';
  const event: JsonObject = {
    version: '2.0',
    routeKey,
    rawPath: `${prefix}${path}`,
    rawQueryString: rawQuery(input.line),
  };
  const cookies = cookieValues.flatMap((v) => v.split(';').map((c) => c.trim())).filter((c) => c !== '');
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (query.size > 0) event.queryStringParameters = ownObject([...query].map(([k, v]) => [k, v.join(',')]));
  const requestContext: JsonObject = {
    accountId: coords.accountId,
    apiId: coords.apiId,
  };
  const authorizer = authorizerOf(result);
  if (authorizer) requestContext.authorizer = authorizer;
  Object.assign(requestContext, {
    ...domainOf(coords),
    http: {
      method,
      path: `${prefix}${path}`,
      protocol: 'HTTP/1.1',
      sourceIp: context(input, 'identity.sourceIp', SOURCE_IP),
      userAgent: userAgentOf(others),
    },
    requestId: context(input, 'requestId', requestId(`${method} ${input.line} ${now}`)),
    routeKey,
    stage,
    time: context(input, 'requestTime', clfTime(now)),
    timeEpoch: Math.floor(now * 1000),
  });
  event.requestContext = requestContext;
  if (input.body !== undefined) event.body = input.body;
  const params = pathParameters(result);
  if (params) event.pathParameters = params;
  event.isBase64Encoded = false;
  const vars = stageVariables(input.request);
  if (vars) event.stageVariables = vars;
  return event;
}

/** Payload 1.0 authorizer: JWT claims and scopes sit directly under `authorizer` (documented example, awsdocs #113). */
function http1Authorizer(authorizer: JsonObject | undefined): JsonObject | undefined {
  if (!authorizer) return undefined;
  const jwt = authorizer.jwt;
  if (isRecord(jwt)) return { claims: jwt.claims ?? null, scopes: jwt.scopes ?? null };
  return authorizer;
}

function http1Event(input: EventInput): JsonObject {
  const { result, method, path, coords, now } = input;
  const { stage, prefix } = httpStage(coords);
  const headers = withHost(input);
  const grouped = groupHeaders(headers, false);
  const query = queryOf(input.line);
  const resource = result.route && result.route.path !== '$default' ? result.route.path : path;
  const id = context(input, 'requestId', requestId(`${method} ${input.line} ${now}`));
  const requestContext: JsonObject = { accountId: coords.accountId, apiId: coords.apiId };
  const authorizer = http1Authorizer(authorizerOf(result));
  if (authorizer) requestContext.authorizer = authorizer;
  Object.assign(requestContext, {
    ...domainOf(coords),
    extendedRequestId: context(input, 'extendedRequestId', `${id.slice(0, 8)}=`),
    httpMethod: method,
    identity: restIdentity(input, userAgentOf(headers)),
    path: `${prefix}${path}`,
    protocol: 'HTTP/1.1',
    requestId: id,
    requestTime: context(input, 'requestTime', clfTime(now)),
    requestTimeEpoch: Math.floor(now * 1000),
    resourceId: null,
    resourcePath: resource,
    stage,
  });
  return {
    version: '1.0',
    resource,
    path: `${prefix}${path}`,
    httpMethod: method,
    // The documented 1.0 example keeps the first value in the single-value maps.
    headers: grouped.size === 0 ? null : ownObject([...grouped].map(([k, v]) => [k, v[0] ?? ''])),
    multiValueHeaders: grouped.size === 0 ? null : ownObject([...grouped].map(([k, v]) => [k, [...v]])),
    queryStringParameters: query.size === 0 ? null : ownObject([...query].map(([k, v]) => [k, v[0] ?? ''])),
    multiValueQueryStringParameters:
      query.size === 0 ? null : ownObject([...query].map(([k, v]) => [k, [...v]])),
    requestContext,
    pathParameters: pathParameters(result),
    stageVariables: stageVariables(input.request),
    body: input.body ?? null,
    isBase64Encoded: false,
  };
}

function albEvent(input: EventInput, multiValue: boolean): JsonObject {
  const { result, method, path, coords } = input;
  const region = regionOf(coords);
  const account = coords.accountId !== '' ? coords.accountId : '<accountId>';
  const fromAlb = isRecord(result.backendContext?.headers) ? result.backendContext.headers : {};
  const client = input.headers.map((h): RequestHeader => ({ name: h.name.toLowerCase(), value: h.value }));
  const added: RequestHeader[] = [];
  if (!hasHeader(client, 'host'))
    added.push({ name: 'host', value: `<alb-name>-<id>.${region}.elb.${dnsSuffix(coords)}` });
  // The load balancer adds X-Forwarded-For/-Proto/-Port (documented); authenticate actions need HTTPS.
  added.push(
    { name: 'x-forwarded-for', value: context(input, 'identity.sourceIp', SOURCE_IP) },
    { name: 'x-forwarded-port', value: '443' },
    { name: 'x-forwarded-proto', value: 'https' },
  );
  for (const [name, value] of Object.entries(fromAlb))
    added.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) });
  const all = [...client.filter((h) => !added.some((a) => a.name === h.name)), ...added];
  const grouped = groupHeaders(all, true);
  const pairs = rawQueryPairs(rawQuery(input.line));
  const event: JsonObject = {
    requestContext: {
      elb: {
        targetGroupArn: `arn:${regionPartition(region) ?? 'aws'}:elasticloadbalancing:${region}:${account}:targetgroup/<target-group>/<id>`,
      },
    },
    httpMethod: method,
    path,
  };
  if (multiValue) {
    const query = new Map<string, string[]>();
    for (const [k, v] of pairs) query.set(k, [...(query.get(k) ?? []), v]);
    event.multiValueQueryStringParameters = ownObject([...query].map(([k, v]) => [k, v]));
    event.multiValueHeaders = ownObject([...grouped].map(([k, v]) => [k, [...v]]));
  } else {
    // Without multi-value headers the load balancer passes the last value (documented).
    const query = new Map<string, string>();
    for (const [k, v] of pairs) query.set(k, v);
    event.queryStringParameters = ownObject(query);
    event.headers = ownObject([...grouped].map(([k, v]) => [k, v.at(-1) ?? '']));
  }
  event.body = input.body ?? '';
  event.isBase64Encoded = false;
  return event;
}

/**
 * The complete event the backend receives for an allowed request; undefined when the request never reaches it.
 * Deterministic: the same request, result and `now` always give the same event.
 */
export function buildBackendEvent(
  request: SimulationRequest,
  result: SimulationResult,
  options: BackendEventOptions = {},
): BackendEvent | undefined {
  if (result.decision !== 'allow' || result.route === null || result.backendContext === null)
    return undefined;
  const parsed = parseRequestLine(request.route);
  if (!parsed.ok) return undefined;
  const kind = result.route.apiKind;
  const now = options.now ?? 0;
  const notes: string[] = [];
  const coords = apiCoordinatesOf(request.config, result.route.api);
  const input: EventInput = {
    request,
    result,
    method: parsed.method,
    path: parsed.path,
    line: request.route,
    coords,
    headers: requestHeaders(request, result, kind),
    now,
    body: options.body,
    notes,
  };
  const placeholders = [
    `requestContext.identity.sourceIp / x-forwarded-for is ${context(input, 'identity.sourceIp', SOURCE_IP)} unless given (--context-var identity.sourceIp=IP)`,
    'request ids are derived from the request and --now, so the same run gives the same event',
  ];
  if (kind === 'alb') {
    notes.push(
      ...placeholders,
      'targetGroupArn and host are placeholders (the configuration does not name the target group)',
      'ALB events have no authorizer object: the claims are in the x-amzn-oidc-* headers',
    );
    return { kind: 'alb-target', event: albEvent(input, options.albMultiValue === true), notes };
  }
  if (kind === 'http') {
    const version = options.payloadVersion ?? '2.0';
    notes.push(...placeholders);
    if (httpStage(coords).prefix !== '')
      notes.push(
        `rawPath includes the stage /${httpStage(coords).stage} (observed for named HTTP API stages)`,
      );
    if (version === '2.0') {
      notes.push(
        'HTTP API header names arrive lower-cased (observed; the documented example shows mixed case)',
      );
      return { kind: 'http-2.0', event: http2Event(input), notes };
    }
    if (authorizerOf(result)?.lambda !== undefined)
      notes.push(
        'payload 1.0 with a Lambda authorizer: context under authorizer.lambda as in 2.0 (unverified)',
      );
    return { kind: 'http-1.0', event: http1Event(input), notes };
  }
  if (options.payloadVersion !== undefined)
    notes.push(`--payload ${options.payloadVersion} applies to HTTP APIs only; this route is on a REST API`);
  notes.push(...placeholders, 'resourceId is a placeholder (a deployed resource id)');
  return { kind: 'rest-proxy', event: restEvent(input), notes };
}
