// "Here is the 401/403 I got; what produced it?": read a pasted HTTP response and list the authorizer steps that
// answer exactly that, most likely first. The replies compared against are the simulator's own
// (`simulate/awsResponses.ts`, the one owner of AWS's wording), so explain and simulate cannot drift apart.
import type { ApiKind } from '../config/model.ts';
import { MAX_INPUT_BYTES } from '../inputParse.ts';
import {
  albRedirect,
  albUnauthorized,
  authorizerError,
  backendForbidden,
  backendUnauthorized,
  cognitoTokenExpired,
  forbidden,
  incompleteSignature,
  jwtChallenge,
  noRoute,
  OBSERVED_NOTE,
  policyDenied,
  unauthorized,
} from '../simulate/awsResponses.ts';
import type { HttpReply } from '../simulate/awsResponses.ts';
import type { DecidedBy, SimulationResult } from '../simulate/result.ts';
import { simulationReason } from './verdict.ts';
import { JWT_ERROR_DESCRIPTIONS } from '../simulate/jwtAuthorizerRules.ts';
import { redactText, redactToken } from '../redact.ts';

/** The response as pasted: header names lower-cased, repeated headers joined with ", ". */
export interface ObservedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The request line and headers when the paste carries them (curl -v, a HAR entry, a request block). */
export interface ObservedRequest {
  method: string;
  /** Path and query as sent (the host is dropped). */
  path: string;
  headers: Record<string, string>;
}

export interface ObservedExchange {
  response: ObservedResponse;
  request?: ObservedRequest;
  /** Where it came from in the paste: "HAR entry 3", "line 12". */
  origin: string;
}

export type ExchangeParse = { ok: true; exchanges: ObservedExchange[] } | { ok: false; message: string };

/** Who answered, read from headers only API Gateway or the ALB add. */
export type Responder = ApiKind | 'unknown';

/** How closely a cause's reply matches the response. */
export type MatchQuality = 'exact' | 'partial';

/** One authorizer step that answers with exactly this response. */
export interface ResponseCause {
  id: string;
  apiKinds: readonly ApiKind[];
  /** The simulator's decidedBy values this cause corresponds to, to line a simulation up with it. */
  decidedBy: readonly DecidedBy[];
  /** "The Cognito authorizer found no token in the Authorization header". */
  producedBy: string;
  /** What to look at, in order. */
  check: readonly string[];
  /** Documented by AWS, or observed behaviour (with the note). */
  source: { kind: 'documented' } | { kind: 'observed'; note: string };
  reply: HttpReply;
  /** Match the body by this prefix of its `message` instead of exactly (texts that quote the request). */
  messagePrefix?: string;
}

export interface CauseMatch {
  cause: ResponseCause;
  quality: MatchQuality;
  /** Why it is partial: headers the cause sends that the paste lacks ("a proxy may drop them"). */
  missing: string[];
  /** Ranked first because the configured route's authorizer, or the simulation, points here. */
  supportedBy?: 'route' | 'simulation';
}

export interface Reproduction {
  reproduced: boolean;
  /** What differs between the simulated and the pasted response. */
  differences: string[];
}

export interface ResponseExplanation {
  origin: string;
  response: ObservedResponse;
  request?: ObservedRequest;
  responder: Responder;
  /** The headers that identified the responder (observed behaviour). */
  responderEvidence: string[];
  matches: CauseMatch[];
  /** Set when nothing in the catalogue answers like this: the backend itself, a proxy, CloudFront... */
  unmatched?: string;
  reproduction?: Reproduction;
  /** The simulation's own one-sentence reason: the most precise answer when it reproduces the response. */
  simulatedReason?: string;
}

const RESPONDER_NOTE =
  'x-amzn-RequestId and x-amz-apigw-id are documented REST API response headers ($context.requestId, $context.extendedRequestId); apigw-requestid (HTTP APIs) and server: awselb/2.0 (ALB) are observed';

// ---------------------------------------------------------------------------------------------------------------
// The catalogue: every reply the simulator can produce on a denial, with the steps behind it.

function cause(
  id: string,
  apiKinds: readonly ApiKind[],
  decidedBy: readonly DecidedBy[],
  producedBy: string,
  check: readonly string[],
  reply: HttpReply,
  source: ResponseCause['source'] = { kind: 'documented' },
): ResponseCause {
  return { id, apiKinds, decidedBy, producedBy, check, reply, source };
}

const observed = (note: string): ResponseCause['source'] => ({ kind: 'observed', note });

function buildCatalogue(): ResponseCause[] {
  const causes: ResponseCause[] = [
    cause(
      'rest-missing-authentication-token',
      ['rest'],
      ['route'],
      'No resource and method of the deployed REST API matches the request',
      [
        'the path includes the stage (https://ID.execute-api.REGION.amazonaws.com/STAGE/path)',
        'the method exists on that resource (a GET-only resource answers POST like this)',
        'the API was deployed to that stage after the resource was added',
      ],
      noRoute('rest'),
    ),
    {
      ...cause(
        'rest-incomplete-signature',
        ['rest'],
        ['iam', 'route'],
        "API Gateway's SigV4 parser read the Authorization header: an AWS_IAM method, or a bearer token sent to a path that exists nowhere in the API",
        [
          'the method uses AWS_IAM authorization: send a SigV4-signed request, not a bearer token',
          'or the path does not exist: REST APIs parse an Authorization header as SigV4 on unknown paths',
        ],
        incompleteSignature('Authorization header requires ...'),
        observed('the SigV4 parser messages are observed behaviour (docs/aws-behaviour.md)'),
      ),
      messagePrefix: 'Authorization header requires',
    },
    {
      ...cause(
        'rest-invalid-key-value-pair',
        ['rest'],
        ['iam', 'route'],
        "API Gateway's SigV4 parser could not read the Authorization header as key=value pairs (often `Bearer` with a token on an AWS_IAM method or an unknown path)",
        [
          'the method uses AWS_IAM authorization, or the path does not exist in the API',
          'a bearer token belongs on a Cognito, JWT or Lambda authorizer route',
        ],
        incompleteSignature('Invalid key=value pair ...'),
        observed('the SigV4 parser messages are observed behaviour (docs/aws-behaviour.md)'),
      ),
      messagePrefix: 'Invalid key=value pair',
    },
    cause(
      'rest-cognito-expired',
      ['rest'],
      ['token'],
      'The Cognito authorizer found the token expired',
      [
        'the token `exp` against the clock (Cognito tokens live 5 minutes to 1 day)',
        'the client refreshes the token before sending (this message is what refresh logic keys on)',
      ],
      cognitoTokenExpired(),
      observed(OBSERVED_NOTE.cognitoExpired),
    ),
    cause(
      'rest-unauthorized-missing-token',
      ['rest'],
      ['identity-source'],
      'The authorizer found no token where its identity source looks (Cognito: the Authorization header; Lambda TOKEN/REQUEST: every identity source must be present)',
      [
        'the request sends the header the authorizer names (Authorization by default)',
        'a Lambda REQUEST authorizer: every identity source (header, query, stage variable) is present and non-empty',
      ],
      unauthorized('rest'),
    ),
    cause(
      'rest-unauthorized-invalid-token',
      ['rest'],
      ['token', 'validation-regex'],
      'The Cognito authorizer refused the token: signature, issuer (another user pool), audience, or the identity validation expression',
      [
        "the token comes from the user pool the authorizer lists (iss ends with that pool's id)",
        'the signature verifies against that pool',
        'an ID token when the method has no OAuth scopes',
        'the validation expression (if any) matches',
      ],
      unauthorized('rest'),
    ),
    cause(
      'rest-unauthorized-scope',
      ['rest'],
      ['scope'],
      'The Cognito authorizer checked OAuth scopes: an access token without one of the method scopes, or an ID token on a method that has scopes',
      [
        'a method with authorization scopes needs an ACCESS token carrying one of them',
        'a method without scopes needs an ID token (an access token is refused there)',
      ],
      unauthorized('rest'),
    ),
    cause(
      'rest-lambda-unauthorized',
      ['rest'],
      ['token', 'authorizer'],
      'The Lambda authorizer answered "Unauthorized" (its function threw or returned the error "Unauthorized")',
      [
        "the authorizer function's logs for this request",
        'a cached "Unauthorized" is not reused: the function ran for this token',
      ],
      unauthorized('rest'),
    ),
    cause(
      'rest-policy-explicit-deny',
      ['rest'],
      ['policy', 'cache'],
      'The Lambda authorizer returned a policy with an explicit Deny for this method ARN',
      [
        "the policy's Resource: a policy cached for another route of the same token is reused (authorizer caching)",
        'the Deny statement and its Resource pattern against this method ARN',
      ],
      policyDenied('rest', true),
      observed(OBSERVED_NOTE.restDenyMessageKey),
    ),
    cause(
      'rest-policy-implicit-deny',
      ['rest'],
      ['policy', 'cache'],
      "The Lambda authorizer's policy does not allow this method ARN (no statement matches)",
      [
        'a policy cached from another route: with caching on, the first route\'s policy answers every route (allow "arn:...:*" or turn caching off)',
        "the policy's Resource and the method ARN (stage, method, path)",
      ],
      policyDenied('rest', false),
      observed(OBSERVED_NOTE.restDenyMessageKey),
    ),
    cause(
      'rest-authorizer-error',
      ['rest'],
      ['authorizer', 'config'],
      'The authorizer failed: the Lambda threw or timed out, its response is malformed, API Gateway may not invoke it, or the authorizer is misconfigured',
      [
        "the authorizer function's logs (errors, timeouts)",
        'its response shape (principalId, policyDocument, context values only strings/numbers/booleans)',
        'the lambda:InvokeFunction permission for apigateway.amazonaws.com',
      ],
      authorizerError('rest'),
      observed(OBSERVED_NOTE.restErrorType),
    ),
    cause(
      'http-unauthorized-missing-token',
      ['http'],
      ['identity-source'],
      'The authorizer found no identity source (JWT: no Authorization header; Lambda: a missing identity source)',
      [
        'the request sends the identity source the authorizer names',
        'the header is not stripped by a proxy or CORS preflight',
      ],
      unauthorized('http'),
    ),
    cause(
      'http-lambda-unauthorized',
      ['http'],
      ['token', 'authorizer'],
      'The Lambda authorizer answered "Unauthorized"',
      ["the authorizer function's logs for this request"],
      unauthorized('http'),
    ),
    cause(
      'http-forbidden-scope',
      ['http'],
      ['scope'],
      'The JWT authorizer found none of the route scopes in the token',
      [
        'the route authorization scopes and the token `scope` claim',
        'ID tokens carry no scopes: send the access token',
      ],
      forbidden('http'),
      observed(OBSERVED_NOTE.jwtScope403),
    ),
    cause(
      'http-lambda-denied',
      ['http'],
      ['policy', 'cache'],
      'The Lambda authorizer denied the request (isAuthorized false, or a policy without an allow)',
      ['the simple response `isAuthorized` or the policy', 'a cached response for the same identity sources'],
      forbidden('http'),
    ),
    cause(
      'http-no-route',
      ['http'],
      ['route'],
      'No route of the HTTP API matches the method and path',
      [
        'the route key (method and path)',
        'the stage path prefix in the URL',
        '$default stage and auto-deploy',
      ],
      noRoute('http'),
    ),
    cause(
      'http-authorizer-error',
      ['http'],
      ['authorizer', 'config'],
      'The authorizer failed (Lambda error, timeout or malformed response) or is misconfigured',
      ["the authorizer function's logs", 'the payload format version and the response shape'],
      authorizerError('http'),
    ),
    cause(
      'alb-unauthenticated-deny',
      ['alb'],
      ['alb-session'],
      'The ALB found no authenticated session and the authenticate action says onUnauthenticatedRequest: deny',
      ['the AWSELBAuthSessionCookie cookie reaches the ALB', 'onUnauthenticatedRequest on the listener rule'],
      albUnauthorized(),
    ),
    cause(
      'alb-authenticate-redirect',
      ['alb'],
      ['alb-session'],
      'The ALB found no authenticated session and redirects to the IdP (onUnauthenticatedRequest: authenticate)',
      [
        'API clients cannot follow this: use onUnauthenticatedRequest deny for APIs, or call through API Gateway with a token',
        'the session cookie is sent (same domain, not expired)',
      ],
      albRedirect('https://...'),
    ),
    cause(
      'alb-backend-verification',
      ['alb'],
      ['backend-verification'],
      'The backend behind the ALB refused the x-amzn-oidc-data header it verifies (signer ARN, region key URL, client, expiry)',
      [
        'the signer in the header is your ALB ARN and the key URL matches its region',
        'the blob is verified as the ALB sends it (base64 with padding, ES256)',
        'this status and body are what your backend writes: compare them with its code',
      ],
      backendUnauthorized(),
      observed('application-defined: the backend, not the ALB, writes this response'),
    ),
    cause(
      'backend-forbidden',
      ['rest', 'http', 'alb'],
      ['rbac'],
      'The request reached the backend, whose own check (groups, scopes, claims) refused it',
      ["the backend's role check against the claims it receives (cognito:groups, scope)", 'its logs'],
      backendForbidden(),
    ),
  ];
  for (const description of JWT_ERROR_DESCRIPTIONS) {
    causes.push(
      cause(
        `http-jwt-${description.check}`,
        ['http'],
        ['token'],
        `The JWT authorizer refused the token: ${description.text}`,
        description.whatToCheck,
        unauthorized('http', jwtChallenge(description.text)),
        description.documented
          ? { kind: 'documented' }
          : observed('this error_description text is ours, not AWS documentation (docs/aws-behaviour.md)'),
      ),
    );
  }
  return causes;
}

let catalogue: ResponseCause[] | undefined;

/** Every cause the explainer knows, built once from the simulator's replies. */
export function responseCauses(): readonly ResponseCause[] {
  catalogue ??= buildCatalogue();
  return catalogue;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the paste.

const MAX_EXCHANGES = 50;
const MAX_BODY_CHARS = 64 * 1024;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `HTTP/1.1 401 Unauthorized`, `HTTP/2 403`: the status, else undefined. */
function statusOf(line: string): number | undefined {
  if (!line.startsWith('HTTP/')) return undefined;
  const space = line.indexOf(' ');
  if (space === -1 || line.length < space + 4) return undefined;
  const digits = line.slice(space + 1, space + 4);
  for (let i = 0; i < 3; i++) if (!isDigit(digits.charCodeAt(i))) return undefined;
  const after = line.charAt(space + 4);
  if (after !== '' && after !== ' ') return undefined;
  return Number(digits);
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function requestLineOf(line: string): { method: string; path: string } | undefined {
  const first = line.indexOf(' ');
  if (first === -1) return undefined;
  const method = line.slice(0, first);
  if (!METHODS.has(method)) return undefined;
  const rest = line.slice(first + 1).trim();
  const second = rest.indexOf(' ');
  const target = second === -1 ? rest : rest.slice(0, second);
  if (target === '') return undefined;
  return { method, path: pathOfTarget(target) };
}

/** A full URL keeps only its path and query: the host says nothing about the authorizer. */
function pathOfTarget(target: string): string {
  const scheme = target.indexOf('://');
  if (scheme === -1) return target;
  const slash = target.indexOf('/', scheme + 3);
  return slash === -1 ? '/' : target.slice(slash);
}

/** curl -v marks sent lines "> " and received lines "< "; "* " lines are its own notes. */
function unprefixed(line: string): { text: string; mark: '>' | '<' | '*' | undefined } {
  if (line.startsWith('> ') || line === '>') return { text: line.slice(2), mark: '>' };
  if (line.startsWith('< ') || line === '<') return { text: line.slice(2), mark: '<' };
  if (line.startsWith('* ')) return { text: line.slice(2), mark: '*' };
  return { text: line, mark: undefined };
}

function addHeader(headers: Record<string, string>, line: string): boolean {
  const colon = line.indexOf(':');
  if (colon <= 0) return false;
  const name = line.slice(0, colon).trim().toLowerCase();
  if (name === '' || name.includes(' ')) return false;
  const value = line.slice(colon + 1).trim();
  const previous = Object.hasOwn(headers, name) ? headers[name] : undefined;
  Object.defineProperty(headers, name, {
    value: previous === undefined ? value : `${previous}, ${value}`,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return true;
}

function parseTextExchange(text: string): ExchangeParse {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  let request: ObservedRequest | undefined;
  let statusIndex = -1;
  for (let i = 0; i < lines.length; i++) {
    const { text: line, mark } = unprefixed(lines[i] ?? '');
    if (mark === '*') continue;
    const status = statusOf(line);
    if (status !== undefined) {
      statusIndex = i;
      break;
    }
    if (request === undefined) {
      const requestLine = requestLineOf(line);
      if (requestLine) request = { ...requestLine, headers: {} };
    } else if (line.trim() !== '') {
      addHeader(request.headers, line);
    }
  }
  if (statusIndex === -1) {
    return {
      ok: false,
      message:
        'no HTTP status line (such as "HTTP/1.1 401 Unauthorized") found: paste the response as `curl -i` or `curl -v` prints it, or a HAR entry',
    };
  }
  const status = statusOf(unprefixed(lines[statusIndex] ?? '').text) ?? 0;
  const headers: Record<string, string> = {};
  let i = statusIndex + 1;
  for (; i < lines.length; i++) {
    const { text: line, mark } = unprefixed(lines[i] ?? '');
    if (mark === '*') continue;
    if (line.trim() === '') {
      i++;
      break;
    }
    if (!addHeader(headers, line)) break;
  }
  const bodyLines: string[] = [];
  for (; i < lines.length; i++) {
    const { text: line, mark } = unprefixed(lines[i] ?? '');
    if (mark === '*' || mark === '>') continue;
    bodyLines.push(line);
  }
  const body = bodyLines.join('\n').trim().slice(0, MAX_BODY_CHARS);
  const exchange: ObservedExchange = {
    response: { status, headers, body },
    origin: `line ${statusIndex + 1}`,
  };
  if (request) exchange.request = request;
  return { ok: true, exchanges: [exchange] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** HAR `[{name, value}]` or a plain `{name: value}` map. */
function headersOfJson(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 500)) {
      if (isRecord(item) && typeof item.name === 'string' && typeof item.value === 'string')
        addHeader(headers, `${item.name}: ${item.value}`);
    }
  } else if (isRecord(value)) {
    for (const [name, item] of Object.entries(value).slice(0, 500)) {
      if (typeof item === 'string' || typeof item === 'number') addHeader(headers, `${name}: ${item}`);
    }
  }
  return headers;
}

function bodyOfJson(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, MAX_BODY_CHARS);
  if (value === undefined || value === null) return '';
  try {
    return JSON.stringify(value).slice(0, MAX_BODY_CHARS);
  } catch {
    // Nested deeper than JSON.stringify's stack allows (a hostile paste): no body to compare.
    return '';
  }
}

function exchangeOfHarEntry(entry: unknown, origin: string): ObservedExchange | undefined {
  if (!isRecord(entry) || !isRecord(entry.response)) return undefined;
  const response = entry.response;
  if (typeof response.status !== 'number' || !Number.isInteger(response.status)) return undefined;
  const content = isRecord(response.content) ? response.content : {};
  const exchange: ObservedExchange = {
    response: {
      status: response.status,
      headers: headersOfJson(response.headers),
      body: bodyOfJson(content.text),
    },
    origin,
  };
  if (
    isRecord(entry.request) &&
    typeof entry.request.method === 'string' &&
    typeof entry.request.url === 'string'
  )
    exchange.request = {
      method: entry.request.method.toUpperCase(),
      path: pathOfTarget(entry.request.url),
      headers: headersOfJson(entry.request.headers),
    };
  return exchange;
}

function parseJsonExchange(value: unknown): ExchangeParse {
  if (isRecord(value) && isRecord(value.log) && Array.isArray(value.log.entries)) {
    const exchanges: ObservedExchange[] = [];
    value.log.entries.forEach((entry, index) => {
      const exchange = exchangeOfHarEntry(entry, `HAR entry ${index + 1}`);
      if (exchange && exchange.response.status >= 400 && exchanges.length < MAX_EXCHANGES)
        exchanges.push(exchange);
    });
    if (exchanges.length === 0)
      return { ok: false, message: 'the HAR file has no response with status 400 or above' };
    return { ok: true, exchanges };
  }
  const entry = exchangeOfHarEntry(value, 'HAR entry');
  if (entry) return { ok: true, exchanges: [entry] };
  if (isRecord(value) && typeof (value.status ?? value.statusCode) === 'number') {
    const status = Number(value.status ?? value.statusCode);
    return {
      ok: true,
      exchanges: [
        {
          response: { status, headers: headersOfJson(value.headers), body: bodyOfJson(value.body) },
          origin: 'JSON',
        },
      ],
    };
  }
  return {
    ok: false,
    message: 'JSON input must be a HAR file, a HAR entry, or {"status": N, "headers": {...}, "body": ...}',
  };
}

/** The token a pasted request carried in its Authorization header ("Bearer " stripped), else undefined. */
export function requestToken(request: ObservedRequest | undefined): string | undefined {
  const value =
    request && Object.hasOwn(request.headers, 'authorization') ? request.headers.authorization : undefined;
  if (value === undefined || value.trim() === '') return undefined;
  return value.toLowerCase().startsWith('bearer ') ? value.slice(7).trim() : value.trim();
}

/** Read a pasted response (curl -i / -v output, raw HTTP, a HAR file or entry). Bounded; never throws. */
export function parseExchange(text: string): ExchangeParse {
  if (text.length > MAX_INPUT_BYTES)
    return { ok: false, message: `input is ${Math.ceil(text.length / 1024)} KiB; the limit is 1024 KiB` };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { ok: false, message: 'the input starts with "{" but is not valid JSON' };
    }
    return parseJsonExchange(value);
  }
  return parseTextExchange(trimmed);
}

// ---------------------------------------------------------------------------------------------------------------
// Matching.

/** The headers that tell API Gateway's REST and HTTP APIs and the ALB apart. */
export function responderOf(headers: Record<string, string>): { responder: Responder; evidence: string[] } {
  const has = (name: string): boolean => Object.hasOwn(headers, name);
  const server = has('server') ? (headers.server ?? '').toLowerCase() : '';
  if (server.startsWith('awselb')) return { responder: 'alb', evidence: [`server: ${headers.server ?? ''}`] };
  if (has('apigw-requestid')) return { responder: 'http', evidence: ['apigw-requestid'] };
  const rest = ['x-amz-apigw-id', 'x-amzn-errortype', 'x-amzn-requestid'].filter(has);
  if (rest.length > 0) return { responder: 'rest', evidence: rest };
  return { responder: 'unknown', evidence: [] };
}

/** The `message` (or `Message`) of a JSON body, else undefined. */
function bodyMessage(body: string): { key: string; value: unknown } | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (!isRecord(parsed)) return undefined;
    const keys = Object.keys(parsed);
    if (keys.length !== 1) return undefined;
    const key = keys[0] ?? '';
    return { key, value: parsed[key] };
  } catch {
    return undefined;
  }
}

function sameBody(cause: ResponseCause, body: string): boolean {
  if (cause.messagePrefix !== undefined) {
    const message = bodyMessage(body);
    return typeof message?.value === 'string' && message.value.startsWith(cause.messagePrefix);
  }
  const expected = cause.reply.body;
  if (expected.startsWith('{')) {
    const want = bodyMessage(expected);
    const got = bodyMessage(body);
    return want !== undefined && got !== undefined && want.key === got.key && want.value === got.value;
  }
  if (expected === '') return true;
  // HTML pages: whitespace differs between clients.
  return collapse(expected) === collapse(body);
}

function collapse(text: string): string {
  return text.split(/\s+/).join(' ').trim();
}

/** Headers that identify a reply; content-type and location vary and say little. */
const DISTINGUISHING = ['x-amzn-errortype', 'www-authenticate'];

function headerMatch(
  cause: ResponseCause,
  headers: Record<string, string>,
): { ok: boolean; missing: string[] } {
  const missing: string[] = [];
  const expected: Record<string, string> = {};
  for (const [name, value] of Object.entries(cause.reply.headers)) expected[name.toLowerCase()] = value;
  for (const name of DISTINGUISHING) {
    const want = Object.hasOwn(expected, name) ? expected[name] : undefined;
    const got = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (want === undefined) {
      // An x-amzn-ErrorType the cause never sends rules it out; an extra www-authenticate does too.
      if (got !== undefined) return { ok: false, missing };
      continue;
    }
    if (got === undefined) missing.push(name);
    else if (name === 'x-amzn-errortype' ? got.split(':')[0]?.trim() !== want : got !== want)
      return { ok: false, missing };
  }
  return { ok: true, missing };
}

export interface ExplainContext {
  /** The authorizer kind of the route the user named, when a configuration was given. */
  route?: { apiKind: ApiKind; authorizerType?: string };
  /** A simulation of the same request, to say whether it reproduces the response. */
  simulation?: SimulationResult;
}

const AUTHORIZER_CAUSES: Record<string, readonly string[]> = {
  cognito: [
    'rest-cognito',
    'rest-unauthorized-invalid-token',
    'rest-unauthorized-missing',
    'rest-unauthorized-scope',
  ],
  jwt: ['http-jwt', 'http-forbidden-scope', 'http-unauthorized-missing'],
  lambda: [
    'rest-lambda',
    'rest-policy',
    'rest-authorizer-error',
    'rest-unauthorized-missing',
    'http-lambda',
    'http-authorizer-error',
    'http-unauthorized-missing',
  ],
  alb: ['alb-'],
  iam: ['rest-incomplete-signature', 'rest-invalid-key-value-pair'],
};

function routeOfSimulation(result: SimulationResult | undefined): ExplainContext['route'] {
  if (!result?.route) return undefined;
  return result.authorizer
    ? { apiKind: result.route.apiKind, authorizerType: result.authorizer.type }
    : { apiKind: result.route.apiKind };
}

function fitsRoute(cause: ResponseCause, route: NonNullable<ExplainContext['route']>): boolean {
  if (!cause.apiKinds.includes(route.apiKind)) return false;
  if (route.authorizerType === undefined) return true;
  const prefixes = AUTHORIZER_CAUSES[route.authorizerType];
  return (
    prefixes === undefined ||
    prefixes.some((prefix) => cause.id.startsWith(prefix)) ||
    cause.id === 'backend-forbidden'
  );
}

/** Compare a simulated reply with the pasted response, header by header where AWS's headers identify it. */
export function compareWithSimulation(result: SimulationResult, response: ObservedResponse): Reproduction {
  const differences: string[] = [];
  if (result.status !== response.status)
    differences.push(`status: simulated ${result.status}, received ${response.status}`);
  else if (result.decision === 'deny' && result.body !== '') {
    const probe: ResponseCause = cause('simulated', [], [], '', [], {
      status: result.status,
      body: result.body,
      headers: result.headers,
    });
    if (!sameBody(probe, response.body))
      differences.push(
        `body: simulated ${result.body.slice(0, 120)}, received ${response.body.slice(0, 120)}`,
      );
    const headers = headerMatch(probe, response.headers);
    if (!headers.ok) differences.push('headers: x-amzn-ErrorType or www-authenticate differ');
  }
  return { reproduced: differences.length === 0, differences };
}

/** Explain one exchange: the causes that answer exactly like it, most likely first. */
export function explainExchange(
  exchange: ObservedExchange,
  context: ExplainContext = {},
): ResponseExplanation {
  const { response } = exchange;
  const { responder, evidence } = responderOf(response.headers);
  const matches: CauseMatch[] = [];
  for (const candidate of responseCauses()) {
    if (candidate.reply.status !== response.status) continue;
    if (responder !== 'unknown' && !candidate.apiKinds.includes(responder)) continue;
    if (!sameBody(candidate, response.body)) continue;
    const headers = headerMatch(candidate, response.headers);
    if (!headers.ok) continue;
    matches.push({
      cause: candidate,
      quality: headers.missing.length === 0 ? 'exact' : 'partial',
      missing: headers.missing,
    });
  }
  const simulation = context.simulation;
  const route = context.route ?? routeOfSimulation(simulation);
  for (const match of matches) {
    // No route (the request matched none): only the simulation's own step can support a cause.
    const fits = route === undefined || fitsRoute(match.cause, route);
    if (fits && simulation?.decision === 'deny' && match.cause.decidedBy.includes(simulation.decidedBy))
      match.supportedBy = 'simulation';
    else if (fits && route !== undefined) match.supportedBy = 'route';
  }
  const rank = (match: CauseMatch): number =>
    (match.supportedBy === 'simulation' ? 0 : match.supportedBy === 'route' ? 10 : 20) +
    (match.quality === 'exact' ? 0 : 5);
  // A route rules out causes of other authorizer kinds, unless nothing else is left.
  const filtered = route ? matches.filter((m) => m.supportedBy !== undefined) : matches;
  const ranked = (filtered.length > 0 ? filtered : matches)
    .map((match, index) => ({ match, index }))
    .sort((a, b) => rank(a.match) - rank(b.match) || a.index - b.index)
    .map(({ match }) => match);
  const explanation: ResponseExplanation = {
    origin: exchange.origin,
    response: { ...response, headers: redactedHeaders(response.headers), body: redactText(response.body) },
    responder,
    responderEvidence: evidence.length > 0 ? [...evidence, RESPONDER_NOTE] : [],
    matches: ranked,
  };
  if (exchange.request)
    explanation.request = {
      ...exchange.request,
      // A token in the query (`?id_token=eyJ...`) or path leaves redacted, like the headers.
      path: redactText(exchange.request.path),
      headers: redactedHeaders(exchange.request.headers),
    };
  if (ranked.length === 0) explanation.unmatched = unmatchedReason(response, responder);
  if (simulation) {
    explanation.reproduction = compareWithSimulation(simulation, response);
    explanation.simulatedReason = simulationReason(simulation).reason;
  }
  return explanation;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'x-amzn-oidc-data',
  'x-amzn-oidc-accesstoken',
]);

/** Explanations are printed and saved: credentials in the pasted headers never leave in the clear. */
function redactedHeaders(headers: Record<string, string>): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    Object.defineProperty(redacted, name, {
      value: SECRET_HEADERS.has(name) ? redactToken(value) : redactText(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return redacted;
}

function unmatchedReason(response: ObservedResponse, responder: Responder): string {
  if (response.status < 400) return `status ${response.status} is not a refusal: the request went through`;
  if (responder === 'unknown')
    return 'no authorizer step answers exactly like this, and no API Gateway or ALB header is present: the backend, a proxy or CloudFront may have written it';
  return `no authorizer step of ${responder === 'alb' ? 'the ALB' : responder === 'rest' ? 'a REST API' : 'an HTTP API'} answers exactly like this: the integration (backend) probably wrote it`;
}
