// OpenAPI 3 / Swagger 2 with API Gateway extensions -> authorizers (securitySchemes) and routes (operations).
import type { ApiKind, AuthorizerConfig } from '../config/model.ts';
import {
  flag,
  identityExpressions,
  requestSources,
  tokenSource,
  ttlSeconds,
  userPoolId,
} from './authorizerValues.ts';
import type { RouteAuth, WarningAbout } from './configBuilder.ts';
import { entries, isObj, own, ownCi } from './objects.ts';
import type { Obj } from './objects.ts';
import type { ReadContext } from './readerContext.ts';
import { checkedValidationExpression } from './validationExpression.ts';
import { httpCors, readOpenApiGatewayResponses } from './corsReader.ts';

/** Where an OpenAPI document's routes go, and SAM's defaults when it is a SAM `DefinitionBody`. */
export interface OpenApiTarget {
  api: string;
  apiKind: ApiKind;
  /** Authorizer ids SAM's `Auth.Authorizers` declares for this API: same-named schemes are SAM's. */
  samAuthorizers?: ReadonlySet<string>;
  /** SAM `DefaultAuthorizer`, applied to operations without their own `security`. */
  defaultAuth?: { auth: RouteAuth; scopes: string[] };
}

type SchemeKind = 'authorizer' | 'iam' | 'apiKey' | 'other';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ANY_METHOD = 'x-amazon-apigateway-any-method';

/** True for a mapping with an `openapi` or `swagger` version key. */
export function isOpenApiDocument(value: unknown): value is Obj {
  return isObj(value) && (own(value, 'openapi') !== undefined || own(value, 'swagger') !== undefined);
}

/** REST for Swagger 2 and plain OpenAPI 3; HTTP when the document uses HTTP-API-only features. */
export function openApiKind(doc: Obj): ApiKind {
  if (own(doc, 'swagger') !== undefined) return 'rest';
  if (own(doc, 'x-amazon-apigateway-cors') !== undefined) return 'http';
  const paths = own(doc, 'paths');
  if (isObj(paths) && Object.hasOwn(paths, '$default')) return 'http';
  for (const [, scheme] of entries(schemeContainer(doc))) {
    const type = own(own(scheme, 'x-amazon-apigateway-authorizer'), 'type');
    if (typeof type === 'string' && type.toLowerCase() === 'jwt') return 'http';
  }
  return 'rest';
}

/** Read the document's authorizers and operations into the builder. */
export function readOpenApiDocument(doc: Obj, target: OpenApiTarget, ctx: ReadContext): void {
  const schemes = readSchemes(doc, target, ctx);
  const cors = own(doc, 'x-amazon-apigateway-cors');
  if (cors !== undefined && target.apiKind === 'http') {
    const settings = httpCors(ctx, cors, ctx.lineOf(doc, 'x-amazon-apigateway-cors'));
    if (settings) ctx.out.setCors(target.api, settings);
  }
  const responses = own(doc, 'x-amazon-apigateway-gateway-responses');
  if (responses !== undefined && target.apiKind === 'rest')
    readOpenApiGatewayResponses(ctx, target.api, responses);
  const paths = own(doc, 'paths');
  const topSecurity = own(doc, 'security');
  let apiKeyRoutes = 0;
  for (const [path, item] of entries(paths)) {
    if (!isObj(item)) continue;
    for (const [key, operation] of Object.entries(item)) {
      const verb =
        key === ANY_METHOD ? 'ANY' : HTTP_METHODS.includes(key.toLowerCase()) ? key.toUpperCase() : '';
      if (!verb || !isObj(operation)) continue;
      const isDefault = path === '$default';
      const method = isDefault ? '$default' : verb;
      const line = ctx.lineOf(item, key);
      const where = `${isDefault ? '$default' : `${verb} ${path}`} on ${target.api}`;
      const about: WarningAbout = {
        route: { api: target.api, method, path: isDefault ? '$default' : path },
      };
      const ownSecurity = own(operation, 'security');
      let chosen: { auth: RouteAuth; scopes: string[]; apiKey: boolean };
      if (Array.isArray(ownSecurity))
        chosen = fromSecurity(ownSecurity, schemes, target, ctx, where, line, about);
      else if (target.defaultAuth) chosen = { ...target.defaultAuth, apiKey: false };
      else if (Array.isArray(topSecurity))
        chosen = fromSecurity(topSecurity, schemes, target, ctx, where, line, about);
      else chosen = { auth: { kind: 'none' }, scopes: [], apiKey: false };
      if (chosen.apiKey) apiKeyRoutes++;
      ctx.out.addRoute({
        api: target.api,
        apiKind: target.apiKind,
        method,
        path: isDefault ? '$default' : path,
        auth: chosen.auth,
        scopes: chosen.scopes,
        line,
      });
    }
  }
  if (apiKeyRoutes > 0) {
    ctx.out.warn(
      'api-key-required',
      `${target.api}: ${apiKeyRoutes} operation(s) also require an API key (x-api-key); the simulator checks only the authorizer`,
    );
  }
}

function schemeContainer(doc: Obj): unknown {
  return own(own(doc, 'components'), 'securitySchemes') ?? own(doc, 'securityDefinitions');
}

function readSchemes(doc: Obj, target: OpenApiTarget, ctx: ReadContext): Map<string, SchemeKind> {
  const kinds = new Map<string, SchemeKind>();
  const container = schemeContainer(doc);
  for (const [name, scheme] of entries(container)) {
    if (target.samAuthorizers?.has(name)) {
      kinds.set(name, 'authorizer');
      continue;
    }
    const extension = own(scheme, 'x-amazon-apigateway-authorizer');
    const authType = ctx.resolver.text(own(scheme, 'x-amazon-apigateway-authtype'))?.toLowerCase();
    const line = ctx.lineOf(container, name);
    if (isObj(extension)) {
      const config = schemeAuthorizer(
        scheme,
        extension,
        ctx,
        `${target.api}: security scheme "${name}"`,
        line,
      );
      if (config) {
        ctx.out.addAuthorizer({ api: target.api, id: name, displayName: name, config, line });
        kinds.set(name, 'authorizer');
        continue;
      }
      kinds.set(name, 'other');
    } else if (authType === 'awssigv4') {
      kinds.set(name, 'iam');
    } else if (ctx.resolver.text(own(scheme, 'type')) === 'apiKey' && !authType) {
      kinds.set(name, 'apiKey');
    } else {
      kinds.set(name, 'other');
    }
  }
  return kinds;
}

function schemeAuthorizer(
  scheme: unknown,
  extension: Obj,
  ctx: ReadContext,
  where: string,
  line: number | undefined,
): Omit<AuthorizerConfig, 'name' | 'source'> | undefined {
  const r = ctx.resolver;
  const type = r.text(own(extension, 'type'))?.toLowerCase();
  const sources = identityExpressions(own(extension, 'identitySource'), r);
  const schemeHeader =
    r.text(own(scheme, 'in')) === 'header'
      ? (r.text(own(scheme, 'name')) ?? 'Authorization')
      : 'Authorization';
  const ttl = ttlSeconds(own(extension, 'authorizerResultTtlInSeconds'), r, 300);
  switch (type) {
    case 'cognito_user_pools': {
      const arns = own(extension, 'providerARNs');
      const userPools = (Array.isArray(arns) ? arns : [arns])
        .map((arn) => userPoolId(arn, r))
        .filter((id): id is string => id !== undefined);
      return { type: 'cognito', userPools, identitySource: tokenSource(sources, schemeHeader) };
    }
    case 'token': {
      const config: Omit<AuthorizerConfig, 'name' | 'source'> = {
        type: 'lambda',
        lambdaType: 'TOKEN',
        identitySource: tokenSource(sources, schemeHeader),
        resultTtlSeconds: ttl,
      };
      const regex = r.text(own(extension, 'identityValidationExpression'));
      if (regex !== undefined) {
        config.validationRegex = checkedValidationExpression(
          ctx,
          regex,
          `${where} identityValidationExpression`,
          ctx.lineOf(extension, 'identityValidationExpression') ?? line,
        );
      }
      return config;
    }
    case 'request': {
      const config: Omit<AuthorizerConfig, 'name' | 'source'> = {
        type: 'lambda',
        lambdaType: 'REQUEST',
        ...requestSources(sources),
        resultTtlSeconds: ttl,
      };
      const version = r.text(own(extension, 'authorizerPayloadFormatVersion'));
      if (version !== undefined) config.payloadFormatVersion = version;
      const simple = flag(own(extension, 'enableSimpleResponses'), r);
      if (simple !== undefined) config.enableSimpleResponses = simple;
      return config;
    }
    case 'jwt': {
      const jwt = own(extension, 'jwtConfiguration');
      const config: Omit<AuthorizerConfig, 'name' | 'source'> = {
        type: 'jwt',
        identitySource: tokenSource(sources),
        audience: r.list(ownCi(jwt, 'audience')) ?? [],
      };
      const issuer = r.text(ownCi(jwt, 'issuer'));
      if (issuer !== undefined) config.issuer = issuer;
      return config;
    }
    default:
      ctx.out.warn(
        'unsupported-authorizer',
        `${where}: x-amazon-apigateway-authorizer type "${type ?? '?'}" is not simulated`,
        line,
      );
      return undefined;
  }
}

// An operation's security: API Gateway uses one authorizer; scopes come from that requirement's list.
function fromSecurity(
  security: unknown[],
  schemes: Map<string, SchemeKind>,
  target: OpenApiTarget,
  ctx: ReadContext,
  where: string,
  line: number | undefined,
  about: WarningAbout,
): { auth: RouteAuth; scopes: string[]; apiKey: boolean } {
  let apiKey = false;
  let chosen: { auth: RouteAuth; scopes: string[] } | undefined;
  let alternatives = 0;
  for (const requirement of security) {
    for (const [name, scopes] of entries(requirement)) {
      const kind = schemes.get(name);
      if (kind === 'apiKey') {
        apiKey = true;
        continue;
      }
      if (kind === undefined) {
        ctx.out.warn(
          'unknown-authorizer',
          `${where}: security scheme "${name}" is not declared; the operation is listed without it`,
          line,
          about,
        );
        continue;
      }
      if (kind === 'other') continue;
      alternatives++;
      if (chosen) continue;
      chosen =
        kind === 'iam'
          ? { auth: { kind: 'iam' }, scopes: [] }
          : {
              auth: { kind: 'authorizer', api: target.api, id: name },
              scopes: ctx.resolver.list(scopes) ?? [],
            };
    }
  }
  if (alternatives > 1) {
    ctx.out.warn(
      'multiple-authorizers',
      `${where}: several security requirements; API Gateway applies one authorizer per method, the first is used`,
      line,
      about,
    );
  }
  return { ...(chosen ?? { auth: { kind: 'none' }, scopes: [] }), apiKey };
}
