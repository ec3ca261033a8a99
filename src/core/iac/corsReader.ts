// CORS and gateway responses in templates: SAM `Cors` (REST) and `CorsConfiguration` (HTTP API), CloudFormation
// `AWS::ApiGatewayV2::Api` `CorsConfiguration` and `AWS::ApiGateway::GatewayResponse`, SAM `GatewayResponses`,
// OpenAPI `x-amazon-apigateway-cors` and `x-amazon-apigateway-gateway-responses`. Sources: docs/aws-behaviour.md, "CORS".
import type { CorsSettings, GatewayResponseSettings } from '../config/model.ts';
import { flag } from './authorizerValues.ts';
import { entries, isObj, own, ownCi } from './objects.ts';
import type { ReadContext } from './readerContext.ts';

/** SAM REST `Cors` values are mapping expressions: `"'GET,POST'"` is the static text GET,POST. */
function unquoted(text: string): string {
  const trimmed = text.trim();
  return trimmed.length >= 2 && trimmed.startsWith("'") && trimmed.endsWith("'")
    ? trimmed.slice(1, -1)
    : trimmed;
}

function commaList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return unquoted(text)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function maxAgeOf(ctx: ReadContext, value: unknown): number | undefined {
  const text = ctx.resolver.text(value);
  if (text === undefined) return undefined;
  const n = Number(unquoted(text));
  return Number.isInteger(n) && n >= -1 && n <= 86400 ? n : undefined;
}

function withSource(ctx: ReadContext, cors: CorsSettings, line: number | undefined): CorsSettings {
  if (line) cors.source = { file: ctx.file, line };
  return cors;
}

/**
 * SAM `AWS::Serverless::Api` `Cors`: a string (the allowed origin) or {AllowOrigin, AllowMethods, AllowHeaders,
 * MaxAge, AllowCredentials}, each value a quoted mapping expression. SAM generates an OPTIONS mock per path that
 * returns them; without AllowMethods SAM lists the path's own methods (the simulator: empty = the path's methods).
 */
export function samRestCors(
  ctx: ReadContext,
  value: unknown,
  line: number | undefined,
): CorsSettings | undefined {
  const r = ctx.resolver;
  const resolved = r.branch(value);
  if (typeof resolved === 'string') {
    return withSource(
      ctx,
      {
        allowOrigins: [unquoted(resolved)],
        allowMethods: [],
        allowHeaders: [],
        exposeHeaders: [],
        allowCredentials: false,
      },
      line,
    );
  }
  if (!isObj(resolved)) return undefined;
  const origin = r.text(own(resolved, 'AllowOrigin'));
  const cors: CorsSettings = {
    allowOrigins: origin === undefined ? [] : [unquoted(origin)],
    allowMethods: commaList(r.text(own(resolved, 'AllowMethods'))),
    allowHeaders: commaList(r.text(own(resolved, 'AllowHeaders'))),
    exposeHeaders: [],
    allowCredentials: flag(own(resolved, 'AllowCredentials'), r) === true,
  };
  const maxAge = maxAgeOf(ctx, own(resolved, 'MaxAge'));
  if (maxAge !== undefined) cors.maxAge = maxAge;
  return withSource(ctx, cors, line);
}

/**
 * HTTP API CORS: SAM `CorsConfiguration` (true, an origin string, or the object), CloudFormation
 * `CorsConfiguration`, OpenAPI `x-amazon-apigateway-cors` (camelCase keys): lists of origins, methods, headers.
 */
export function httpCors(
  ctx: ReadContext,
  value: unknown,
  line: number | undefined,
): CorsSettings | undefined {
  const r = ctx.resolver;
  const resolved = r.branch(value);
  const empty = (): CorsSettings => ({
    allowOrigins: [],
    allowMethods: [],
    allowHeaders: [],
    exposeHeaders: [],
    allowCredentials: false,
  });
  if (resolved === true || (typeof resolved === 'string' && resolved.toLowerCase() === 'true')) {
    // SAM: `true` allows every origin (the translator's default; unverified, not in the property reference).
    return withSource(
      ctx,
      { ...empty(), allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'] },
      line,
    );
  }
  if (typeof resolved === 'string')
    return withSource(ctx, { ...empty(), allowOrigins: [unquoted(resolved)] }, line);
  if (!isObj(resolved)) return undefined;
  const list = (key: string): string[] => (r.list(ownCi(resolved, key)) ?? []).map((item) => item.trim());
  const cors: CorsSettings = {
    allowOrigins: list('AllowOrigins'),
    allowMethods: list('AllowMethods'),
    allowHeaders: list('AllowHeaders'),
    exposeHeaders: list('ExposeHeaders'),
    allowCredentials: flag(ownCi(resolved, 'AllowCredentials'), r) === true,
  };
  const maxAge = maxAgeOf(ctx, ownCi(resolved, 'MaxAge'));
  if (maxAge !== undefined) cors.maxAge = maxAge;
  return withSource(ctx, cors, line);
}

const HEADER_PARAMETER = /^gatewayresponse\.header\.(.+)$/i;

function statusOf(ctx: ReadContext, value: unknown): number | undefined {
  const text = ctx.resolver.text(value);
  if (text === undefined) return undefined;
  const n = Number(unquoted(text));
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** `gatewayresponse.header.X: "'value'"` mappings (CloudFormation and OpenAPI) -> header name -> expression. */
function headerParameters(ctx: ReadContext, parameters: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of entries(ctx.resolver.branch(parameters))) {
    const m = HEADER_PARAMETER.exec(key);
    const text = ctx.resolver.text(value);
    if (m && text !== undefined)
      Object.defineProperty(headers, m[1] ?? key, {
        value: text,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return headers;
}

/** SAM `GatewayResponses: {TYPE: {StatusCode, ResponseParameters: {Headers: {Name: "'value'"}}}}`. */
export function readSamGatewayResponses(ctx: ReadContext, api: string, value: unknown): void {
  const container = ctx.resolver.branch(value);
  for (const [type, definition] of entries(container)) {
    const headers: Record<string, string> = {};
    const parameters = own(definition, 'ResponseParameters');
    for (const [name, expression] of entries(ctx.resolver.branch(own(parameters, 'Headers')))) {
      const text = ctx.resolver.text(expression);
      if (text !== undefined)
        Object.defineProperty(headers, name, {
          value: text,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    const settings: GatewayResponseSettings = { headers };
    const status = statusOf(ctx, own(definition, 'StatusCode'));
    if (status !== undefined) settings.statusCode = status;
    const line = ctx.lineOf(container, type);
    if (line) settings.source = { file: ctx.file, line };
    ctx.out.addGatewayResponse(api, type.toUpperCase(), settings);
  }
}

/** `AWS::ApiGateway::GatewayResponse` resources, linked to their REST API by `RestApiId`. */
export function readCfnGatewayResponses(
  ctx: ReadContext,
  resources: { id: string; props: Record<string, unknown>; line: number | undefined }[],
  apiOf: (props: Record<string, unknown>) => string | undefined,
): void {
  for (const resource of resources) {
    const api = apiOf(resource.props);
    const type = ctx.resolver.text(own(resource.props, 'ResponseType'));
    if (api === undefined || type === undefined) continue;
    const settings: GatewayResponseSettings = {
      headers: headerParameters(ctx, own(resource.props, 'ResponseParameters')),
    };
    const status = statusOf(ctx, own(resource.props, 'StatusCode'));
    if (status !== undefined) settings.statusCode = status;
    if (resource.line) settings.source = { file: ctx.file, line: resource.line };
    ctx.out.addGatewayResponse(api, type.toUpperCase(), settings);
  }
}

/** OpenAPI `x-amazon-apigateway-gateway-responses: {TYPE: {statusCode, responseParameters}}`. */
export function readOpenApiGatewayResponses(ctx: ReadContext, api: string, value: unknown): void {
  for (const [type, definition] of entries(value)) {
    const settings: GatewayResponseSettings = {
      headers: headerParameters(ctx, own(definition, 'responseParameters')),
    };
    const status = statusOf(ctx, own(definition, 'statusCode'));
    if (status !== undefined) settings.statusCode = status;
    const line = ctx.lineOf(value, type);
    if (line) settings.source = { file: ctx.file, line };
    ctx.out.addGatewayResponse(api, type.toUpperCase(), settings);
  }
}
