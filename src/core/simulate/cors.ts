// CORS as AWS and the browser handle it: preflights (HTTP API CorsConfiguration answers them before any
// authorizer; REST sends them to an OPTIONS method, which may carry an authorizer), REST gateway responses that
// carry Access-Control-Allow-Origin only when configured, and when the browser shows a CORS error instead of the
// status. Sources: docs/aws-behaviour.md, "CORS".
import type {
  ApiCoordinates,
  ApiKind,
  CorsSettings,
  GatewayResponseSettings,
  RouteConfig,
  SimConfig,
} from '../config/model.ts';
import type { HttpReply } from './awsResponses.ts';
import { headerLine } from './identitySource.ts';
import type { CorsFinding, CorsReason, SimulationRequest, SimulationResult, TraceStep } from './result.ts';
import { step } from './result.ts';

/** The browser side of a cross-origin request: its Origin, and for a preflight what it asks for. */
export interface CorsRequest {
  origin: string;
  /** OPTIONS with Origin and Access-Control-Request-Method (API Gateway's own definition of a preflight). */
  preflight: boolean;
  requestMethod: string | undefined;
  /** Access-Control-Request-Headers, lower-cased. */
  requestHeaders: string[];
}

/** Methods a browser sends cross-origin without listing them in Access-Control-Allow-Methods (Fetch standard). */
const SAFELISTED_METHODS = ['GET', 'HEAD', 'POST'];
/** Request headers the browser never asks permission for (Fetch "CORS-safelisted request-header", simplified). */
const SAFELISTED_HEADERS = ['accept', 'accept-language', 'content-language', 'content-type'];

/** The request's Origin (SimulationRequest.origin, else an `Origin:` line of the header block). */
export function corsRequestOf(request: SimulationRequest, method: string): CorsRequest | undefined {
  const origin = (request.origin ?? headerLine(request.token, 'origin'))?.trim();
  if (origin === undefined || origin === '') return undefined;
  const requestMethod = headerLine(request.token, 'access-control-request-method')?.trim().toUpperCase();
  const requestHeaders = (headerLine(request.token, 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  return {
    origin,
    preflight: method === 'OPTIONS' && requestMethod !== undefined && requestMethod !== '',
    requestMethod,
    requestHeaders,
  };
}

/** A preflight carries no credentials: only its Origin and Access-Control-Request-* headers reach AWS. */
export function preflightRequest(request: SimulationRequest, cors: CorsRequest): SimulationRequest {
  const lines = [`Origin: ${cors.origin}`];
  if (cors.requestMethod) lines.push(`Access-Control-Request-Method: ${cors.requestMethod}`);
  if (cors.requestHeaders.length > 0)
    lines.push(`Access-Control-Request-Headers: ${cors.requestHeaders.join(', ')}`);
  const { decoded: _decoded, whatIf: _whatIf, ...rest } = request;
  return { ...rest, token: lines.join('\n') };
}

/** The coordinates of the API a route belongs to (the file's single API when the route names none). */
export function apiCoordinatesOf(config: SimConfig, api: string | undefined): ApiCoordinates {
  const apis = config.apis;
  return api !== undefined && apis !== undefined && Object.hasOwn(apis, api)
    ? (apis[api] ?? config.api)
    : config.api;
}

function originAllowed(origin: string, allowOrigins: readonly string[]): boolean {
  const lower = origin.toLowerCase();
  return allowOrigins.some((allowed) => {
    const a = allowed.trim().toLowerCase();
    if (a === '*') return true;
    // HTTP API: "https://*" allows any origin that starts with https:// (documented examples).
    if (a.endsWith('://*')) return lower.startsWith(a.slice(0, -1));
    return a === lower;
  });
}

/** HTTP API: the Access-Control-Allow-Origin value for this origin, or undefined when it is not allowed. */
function httpAllowOrigin(cors: CorsSettings, origin: string): string | undefined {
  if (!originAllowed(origin, cors.allowOrigins)) return undefined;
  return cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Whether the preflight's method and headers are allowed by what the answer lists (Fetch rules, simplified). */
function preflightRefusal(
  cors: CorsRequest,
  allowMethods: readonly string[],
  allowHeaders: readonly string[],
  credentials: boolean,
): { reason: CorsReason; message: string } | undefined {
  const method = cors.requestMethod ?? '';
  const methods = allowMethods.map((m) => m.toUpperCase());
  const methodOk =
    SAFELISTED_METHODS.includes(method) ||
    methods.includes(method) ||
    (!credentials && methods.includes('*'));
  if (!methodOk)
    return {
      reason: 'method-not-allowed',
      message: `the preflight asks for ${method}, which Access-Control-Allow-Methods (${methods.join(', ') || 'none'}) does not list`,
    };
  const headers = allowHeaders.map((h) => h.toLowerCase());
  const wildcard = !credentials && headers.includes('*');
  for (const header of cors.requestHeaders) {
    if (SAFELISTED_HEADERS.includes(header) || headers.includes(header)) continue;
    // Fetch: "*" never covers Authorization; it must be listed by name.
    if (wildcard && header !== 'authorization') continue;
    return {
      reason: 'header-not-allowed',
      message: `the preflight asks for header ${header}, which Access-Control-Allow-Headers (${allowHeaders.join(', ') || 'none'}) does not list${
        header === 'authorization' && wildcard ? ' ("*" never covers Authorization: list it by name)' : ''
      }`,
    };
  }
  return undefined;
}

/** HTTP API with CorsConfiguration: API Gateway answers the preflight itself (204), before routes and authorizers. */
export function httpPreflightAnswer(
  cors: CorsRequest,
  settings: CorsSettings,
): { reply: HttpReply; finding: Omit<CorsFinding, 'status'> } {
  const headers: Record<string, string> = {};
  const allowOrigin = httpAllowOrigin(settings, cors.origin);
  const base = { origin: cors.origin, preflight: true };
  if (allowOrigin === undefined) {
    return {
      reply: { status: 204, body: '', headers },
      finding: {
        ...base,
        browser: 'blocked',
        reason: 'origin-not-allowed',
        message: `API Gateway answers the preflight itself, without Access-Control-Allow-Origin: ${cors.origin} is not in CorsConfiguration.AllowOrigins (${settings.allowOrigins.join(', ') || 'none'})`,
      },
    };
  }
  setHeader(headers, 'access-control-allow-origin', allowOrigin);
  if (settings.allowCredentials) setHeader(headers, 'access-control-allow-credentials', 'true');
  if (settings.allowMethods.length > 0)
    setHeader(headers, 'access-control-allow-methods', settings.allowMethods.join(','));
  if (settings.allowHeaders.length > 0)
    setHeader(headers, 'access-control-allow-headers', settings.allowHeaders.join(','));
  if (settings.maxAge !== undefined) setHeader(headers, 'access-control-max-age', String(settings.maxAge));
  const refusal = preflightRefusal(
    cors,
    settings.allowMethods,
    settings.allowHeaders,
    settings.allowCredentials,
  );
  return {
    reply: { status: 204, body: '', headers },
    finding: refusal
      ? { ...base, browser: 'blocked', ...refusal }
      : {
          ...base,
          browser: 'visible',
          reason: 'preflight-answered-by-api',
          message:
            'API Gateway answers the preflight from CorsConfiguration before any route or authorizer runs; the browser then sends the real request',
        },
  };
}

/** REST gateway response types by the x-amzn-ErrorType the simulator sends (the mapping is observed). */
const ERROR_TYPE_RESPONSE: Readonly<Record<string, string>> = {
  UnauthorizedException: 'UNAUTHORIZED',
  AccessDeniedException: 'ACCESS_DENIED',
  MissingAuthenticationTokenException: 'MISSING_AUTHENTICATION_TOKEN',
  AuthorizerConfigurationException: 'AUTHORIZER_CONFIGURATION_ERROR',
  IncompleteSignatureException: 'INVALID_SIGNATURE',
};

function errorTypeOf(headers: Record<string, string>): string | undefined {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-amzn-errortype');
  return entry?.[1];
}

/** The customisation that applies: the type's own, else DEFAULT_4XX / DEFAULT_5XX (documented fallbacks). */
function gatewayResponseFor(
  responses: Record<string, GatewayResponseSettings> | undefined,
  type: string | undefined,
  status: number,
): { type: string; settings: GatewayResponseSettings } | undefined {
  if (!responses) return undefined;
  if (type !== undefined && Object.hasOwn(responses, type)) {
    const settings = responses[type];
    if (settings) return { type, settings };
  }
  const fallback = status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const settings = Object.hasOwn(responses, fallback) ? responses[fallback] : undefined;
  return settings ? { type: fallback, settings } : undefined;
}

/** A gateway response header mapping: a quoted static value, or `method.request.header.X` from the request. */
function mappedValue(expression: string, request: SimulationRequest): string | undefined {
  const text = expression.trim();
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  const m = /^method\.request\.header\.(.+)$/i.exec(text);
  if (m) return m[1] === undefined ? undefined : headerLine(request.token, m[1]);
  return undefined;
}

function isRestGatewayAnswer(result: SimulationResult): boolean {
  return result.decision === 'deny' && errorTypeOf(result.headers) !== undefined;
}

function isBackendAnswer(result: SimulationResult): boolean {
  return (
    result.decision === 'allow' || result.decidedBy === 'rbac' || result.decidedBy === 'backend-verification'
  );
}

/** The route of the result, as configured (to know whether it is a generated preflight method). */
function configuredRoute(config: SimConfig, result: SimulationResult): RouteConfig | undefined {
  const matched = result.route;
  if (!matched) return undefined;
  return config.routes.find((r) => r.route === matched.route && r.api === matched.api);
}

/** Everything the CORS step changes in a result: headers, status, the finding and its trace lines. */
export interface CorsOutcome {
  status: number;
  headers: Record<string, string>;
  /** Set when the answer is a REST OPTIONS mock (no backend is involved). */
  mock: boolean;
  finding: CorsFinding | undefined;
  trace: TraceStep[];
}

function blockedOrVisible(
  allowOrigin: string | undefined,
  origin: string,
  visible: Omit<CorsFinding, 'origin' | 'preflight' | 'status' | 'browser'>,
  blocked: Omit<CorsFinding, 'origin' | 'preflight' | 'status' | 'browser'>,
): Omit<CorsFinding, 'origin' | 'preflight' | 'status'> {
  const ok =
    allowOrigin !== undefined && (allowOrigin === '*' || allowOrigin.toLowerCase() === origin.toLowerCase());
  return ok ? { browser: 'visible', ...visible } : { browser: 'blocked', ...blocked };
}

/**
 * After the decision: REST gateway response customisations (applied to every gateway answer, Origin or not), then,
 * for a cross-origin request, what the browser makes of the answer.
 */
export function corsOutcome(
  request: SimulationRequest,
  result: SimulationResult,
  cors: CorsRequest | undefined,
  kind: ApiKind,
): CorsOutcome {
  const config = request.config;
  const coords = apiCoordinatesOf(config, result.route?.api);
  const headers: Record<string, string> = { ...result.headers };
  let status = result.status;
  const trace: TraceStep[] = [];
  let mock = false;

  // REST gateway responses: GatewayResponses headers and status replace the defaults (documented).
  let gatewayAllowOrigin: string | undefined;
  if (kind === 'rest' && isRestGatewayAnswer(result)) {
    const errorType = errorTypeOf(result.headers);
    const type = errorType === undefined ? undefined : ERROR_TYPE_RESPONSE[errorType];
    const chosen = gatewayResponseFor(coords.gatewayResponses, type, status);
    if (chosen) {
      const added: string[] = [];
      for (const [name, expression] of Object.entries(chosen.settings.headers)) {
        const value = mappedValue(expression, request);
        if (value === undefined) continue;
        setHeader(headers, name, value);
        added.push(name);
      }
      if (chosen.settings.statusCode !== undefined) status = chosen.settings.statusCode;
      trace.push(
        step(
          'gateway-response',
          'info',
          `the ${type ?? 'gateway'} response uses the API's ${chosen.type} customisation${added.length ? `: adds ${added.join(', ')}` : ''}${chosen.settings.statusCode !== undefined ? `; status ${chosen.settings.statusCode}` : ''}${type !== undefined && type !== chosen.type ? ` (${type} is not customised, so ${chosen.type} applies)` : ''}`,
        ),
      );
    }
    const entry = Object.entries(headers).find(
      ([name]) => name.toLowerCase() === 'access-control-allow-origin',
    );
    gatewayAllowOrigin = entry?.[1];
  }
  if (!cors) return { status, headers, mock, finding: undefined, trace };

  const base = { origin: cors.origin, preflight: cors.preflight };
  let finding: Omit<CorsFinding, 'origin' | 'preflight' | 'status'>;
  const route = configuredRoute(config, result);
  const settings = coords.cors;

  if (cors.preflight) {
    if (result.decision === 'deny') {
      const generated = route?.preflight === true && route.authorizer !== null;
      finding = {
        browser: 'blocked',
        reason: 'preflight-refused',
        message: `the preflight gets ${status}: a preflight must get a 2xx answer, so the browser reports a CORS error and never sends the real request${
          generated
            ? '. SAM put the default authorizer on the generated OPTIONS method (Auth.AddDefaultAuthorizerToCorsPreflight defaults to true) and browsers send preflights without credentials: set AddDefaultAuthorizerToCorsPreflight: false'
            : result.route === null
              ? kind === 'rest'
                ? '. The resource has no OPTIONS method: enable CORS on it (SAM Cors, or an OPTIONS mock method)'
                : '. No route takes OPTIONS: configure CorsConfiguration on the API'
              : result.authorizer !== null && result.authorizer.type !== 'none'
                ? `. The ${result.route.route} route's authorizer runs on OPTIONS, and browsers send preflights without credentials${kind === 'http' ? ' (with CorsConfiguration, API Gateway answers preflights itself unless only $default catches them: add OPTIONS /{proxy+} without authorization)' : ''}`
                : ''
        }`,
      };
    } else if (
      kind === 'rest' &&
      settings &&
      route &&
      route.method === 'OPTIONS' &&
      (route.preflight === true || route.authorizerType === 'none')
    ) {
      // The OPTIONS mock integration returns the configured headers as static values.
      mock = true;
      status = 200;
      const pathMethods = config.routes
        .filter((r) => r.path === route.path && r.api === route.api)
        .map((r) => r.method);
      const methods =
        settings.allowMethods.length > 0 ? settings.allowMethods : [...new Set([...pathMethods, 'OPTIONS'])];
      const allowOrigin = settings.allowOrigins[0];
      if (allowOrigin !== undefined) setHeader(headers, 'Access-Control-Allow-Origin', allowOrigin);
      setHeader(headers, 'Access-Control-Allow-Methods', methods.join(','));
      if (settings.allowHeaders.length > 0)
        setHeader(headers, 'Access-Control-Allow-Headers', settings.allowHeaders.join(','));
      if (settings.maxAge !== undefined)
        setHeader(headers, 'Access-Control-Max-Age', String(settings.maxAge));
      if (settings.allowCredentials) setHeader(headers, 'Access-Control-Allow-Credentials', 'true');
      const refusal = preflightRefusal(cors, methods, settings.allowHeaders, settings.allowCredentials);
      const originOk = allowOrigin === '*' || allowOrigin?.toLowerCase() === cors.origin.toLowerCase();
      finding = !originOk
        ? {
            browser: 'blocked',
            reason: 'origin-not-allowed',
            message: `the OPTIONS method answers with Access-Control-Allow-Origin ${allowOrigin ?? '(none)'}, which is not ${cors.origin}`,
          }
        : refusal
          ? { browser: 'blocked', ...refusal }
          : {
              browser: 'visible',
              reason: 'preflight-answered-by-mock',
              message:
                'the OPTIONS mock method answers the preflight with the Cors headers; the browser then sends the real request',
            };
    } else {
      finding = {
        browser: 'backend',
        reason: 'preflight-reached-backend',
        message: `the preflight reaches the integration of ${result.route?.route ?? 'the route'}: the backend must answer OPTIONS with Access-Control-Allow-Origin, -Methods and -Headers`,
      };
    }
  } else if (kind === 'alb' && !isBackendAnswer(result)) {
    finding =
      status === 302
        ? {
            browser: 'blocked',
            reason: 'alb-redirect',
            message:
              'the ALB redirects to the IdP (302): a script request cannot follow a cross-origin redirect to a login page, so the browser reports a CORS error. Use onUnauthenticatedRequest: deny for API paths, or sign in with a full page load',
          }
        : {
            browser: 'blocked',
            reason: 'error-without-cors-headers',
            message: `the ALB's own ${status} carries no Access-Control-Allow-Origin, so the browser reports a CORS error instead of ${status}`,
          };
  } else if (kind === 'http' && settings) {
    const allowOrigin = httpAllowOrigin(settings, cors.origin);
    if (allowOrigin !== undefined) {
      setHeader(headers, 'access-control-allow-origin', allowOrigin);
      if (settings.allowCredentials) setHeader(headers, 'access-control-allow-credentials', 'true');
      if (settings.exposeHeaders.length > 0)
        setHeader(headers, 'access-control-expose-headers', settings.exposeHeaders.join(','));
    }
    finding = blockedOrVisible(
      allowOrigin,
      cors.origin,
      {
        reason: 'api-adds-cors-headers',
        message: isBackendAnswer(result)
          ? "API Gateway adds the CorsConfiguration headers to the integration response (and ignores the backend's own): the page sees the response"
          : `API Gateway's own ${status} is shown with the CorsConfiguration headers (documented for integration responses; for authorizer answers: unverified), so the page sees ${status}`,
      },
      {
        reason: 'origin-not-allowed',
        message: `${cors.origin} is not in CorsConfiguration.AllowOrigins (${settings.allowOrigins.join(', ') || 'none'}): no Access-Control-Allow-Origin, the browser reports a CORS error${status >= 400 ? ` instead of ${status}` : ''}`,
      },
    );
  } else if (isBackendAnswer(result)) {
    finding = {
      browser: 'backend',
      reason: 'backend-must-add',
      message: `${kind === 'rest' ? 'a REST proxy integration' : kind === 'alb' ? 'a target behind an ALB' : 'an HTTP API without CorsConfiguration'} passes the backend's response through: the backend must return Access-Control-Allow-Origin ${cors.origin} (or *)${status >= 400 ? `, on its ${status} too,` : ''} or the browser reports a CORS error`,
    };
  } else {
    finding = blockedOrVisible(
      gatewayAllowOrigin,
      cors.origin,
      {
        reason: 'error-with-cors-headers',
        message: `the gateway response carries Access-Control-Allow-Origin ${gatewayAllowOrigin ?? ''}: the page sees ${status}`,
      },
      {
        reason: 'error-without-cors-headers',
        message: `API Gateway's ${status} carries ${gatewayAllowOrigin === undefined ? 'no Access-Control-Allow-Origin' : `Access-Control-Allow-Origin ${gatewayAllowOrigin}, not ${cors.origin}`}, so the browser reports a CORS error instead of ${status}${
          kind === 'rest'
            ? ': add the header to the gateway responses (SAM GatewayResponses: DEFAULT_4XX: ResponseParameters: Headers: Access-Control-Allow-Origin: "\'*\'")'
            : ': configure CorsConfiguration on the HTTP API'
        }`,
      },
    );
  }
  const full: CorsFinding = { ...base, ...finding, status };
  trace.push(
    step(
      'cors',
      full.browser === 'blocked' ? 'fail' : full.browser === 'backend' ? 'warn' : 'pass',
      `${full.browser === 'blocked' ? `the browser shows a CORS error, not ${status}` : full.browser === 'backend' ? 'the browser outcome depends on the backend' : 'the browser lets the page see the response'}: ${full.message}`,
    ),
  );
  return { status, headers, mock, finding: full, trace };
}
