// SAM: AWS::Serverless::Api / HttpApi `Auth`, Globals, implicit APIs and function events -> authorizers and routes.
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
import { isIntrinsic } from './intrinsics.ts';
import { entries, isObj, objAt, own, ownCi } from './objects.ts';
import type { Obj } from './objects.ts';
import { isOpenApiDocument, readOpenApiDocument } from './openApiReader.ts';
import { referenceName, resourcesOfType } from './readerContext.ts';
import type { ReadContext } from './readerContext.ts';
import { checkedValidationExpression } from './validationExpression.ts';
import { httpCors, readSamGatewayResponses, samRestCors } from './corsReader.ts';

/** What routes of one SAM API need to know about its `Auth`. */
interface SamApi {
  name: string;
  kind: ApiKind;
  defaultAuthorizer: string | undefined;
  /** Authorizer id -> scopes declared on the authorizer (SAM's default for its routes). */
  authorizerScopes: Map<string, string[] | undefined>;
  cors: { line: number | undefined } | undefined;
  addDefaultToPreflight: boolean;
  apiKeyRequired: boolean;
  apiKeyRoutes: number;
}

const IMPLICIT = { rest: 'ServerlessRestApi', http: 'ServerlessHttpApi' } as const;

/** Read every SAM API and every `Api`/`HttpApi` event of functions and state machines. */
export function readSam(ctx: ReadContext): void {
  const globals = objAt(ctx.root, 'Globals');
  const globalsFor = (kind: ApiKind): Obj | undefined => objAt(globals, kind === 'http' ? 'HttpApi' : 'Api');
  const apis = new Map<string, SamApi>();
  for (const resource of resourcesOfType(ctx, 'AWS::Serverless::Api', 'AWS::Serverless::HttpApi')) {
    const kind = resource.type === 'AWS::Serverless::HttpApi' ? 'http' : 'rest';
    apis.set(resource.id, registerApi(ctx, resource.id, kind, resource.props, globalsFor(kind)));
  }
  const owners = resourcesOfType(ctx, 'AWS::Serverless::Function', 'AWS::Serverless::StateMachine');
  for (const owner of owners) {
    const events = ctx.resolver.branch(own(owner.props, 'Events'));
    for (const [eventName, event] of entries(events)) {
      const type = ctx.resolver.text(own(event, 'Type'));
      if (type !== 'Api' && type !== 'HttpApi') continue;
      const kind: ApiKind = type === 'HttpApi' ? 'http' : 'rest';
      const props = objAt(event, 'Properties') ?? {};
      const line = ctx.lineOf(events, eventName);
      const apiRef = own(props, kind === 'http' ? 'ApiId' : 'RestApiId');
      const apiName = apiRef === undefined ? IMPLICIT[kind] : (referenceName(ctx, apiRef) ?? IMPLICIT[kind]);
      let api = apis.get(apiName);
      if (!api) {
        const implicit = apiName === IMPLICIT[kind];
        if (!implicit) {
          ctx.out.warn(
            'api-not-in-template',
            `${owner.id}.${eventName}: ${apiName} is not an AWS::Serverless::${kind === 'http' ? 'HttpApi' : 'Api'} of this template; its Auth is unknown`,
            line,
          );
        }
        api = registerApi(ctx, apiName, kind, {}, implicit ? globalsFor(kind) : undefined);
        apis.set(apiName, api);
      }
      addEventRoute(ctx, api, `${owner.id}.${eventName}`, props, line);
    }
  }
  for (const api of apis.values()) finishApi(ctx, api);
}

function registerApi(
  ctx: ReadContext,
  name: string,
  kind: ApiKind,
  props: Obj,
  globals: Obj | undefined,
): SamApi {
  const r = ctx.resolver;
  const pick = (key: string): unknown => own(props, key) ?? own(globals, key);
  const stage = r.text(pick('StageName')) ?? (kind === 'http' ? '$default' : undefined);
  ctx.out.addApi(name, kind, stage);
  const authBlock = r.branch(own(props, 'Auth'));
  const resourceAuth = isObj(authBlock) ? authBlock : undefined;
  const globalAuth = objAt(globals, 'Auth');
  const authValue = (key: string): unknown => own(resourceAuth, key) ?? own(globalAuth, key);
  const api: SamApi = {
    name,
    kind,
    defaultAuthorizer: r.text(authValue('DefaultAuthorizer')),
    authorizerScopes: new Map(),
    cors: undefined,
    addDefaultToPreflight: flag(authValue('AddDefaultAuthorizerToCorsPreflight'), r) !== false,
    apiKeyRequired: flag(authValue('ApiKeyRequired'), r) === true,
    apiKeyRoutes: 0,
  };
  // Resource authorizers first: on a name clash they win over Globals (the builder keeps the first).
  for (const container of [own(resourceAuth, 'Authorizers'), own(globalAuth, 'Authorizers')]) {
    for (const [id, definition] of entries(container)) {
      if (api.authorizerScopes.has(id)) continue;
      const line = ctx.lineOf(container, id);
      const config = samAuthorizer(ctx, kind, definition, `${name}: authorizer "${id}"`, line);
      if (!config) continue;
      api.authorizerScopes.set(id, config.scopes);
      ctx.out.addAuthorizer({ api: name, id, displayName: id, config, line });
    }
  }
  if (kind === 'rest') {
    const corsOwner =
      own(props, 'Cors') !== undefined ? props : own(globals, 'Cors') !== undefined ? globals : undefined;
    if (corsOwner) {
      const line = ctx.lineOf(corsOwner, 'Cors');
      api.cors = { line };
      const settings = samRestCors(ctx, own(corsOwner, 'Cors'), line);
      if (settings) ctx.out.setCors(name, settings);
    }
    const responses = pick('GatewayResponses');
    if (responses !== undefined) readSamGatewayResponses(ctx, name, responses);
  } else {
    const corsOwner =
      own(props, 'CorsConfiguration') !== undefined
        ? props
        : own(globals, 'CorsConfiguration') !== undefined
          ? globals
          : undefined;
    const settings = corsOwner
      ? httpCors(ctx, own(corsOwner, 'CorsConfiguration'), ctx.lineOf(corsOwner, 'CorsConfiguration'))
      : undefined;
    if (settings) ctx.out.setCors(name, settings);
  }
  readDefinition(ctx, api, props);
  return api;
}

function readDefinition(ctx: ReadContext, api: SamApi, props: Obj): void {
  const body = own(props, 'DefinitionBody');
  if (isOpenApiDocument(body)) {
    const defaultAuth = api.defaultAuthorizer
      ? routeAuth(ctx, api, undefined, `${api.name} DefaultAuthorizer`, undefined)
      : undefined;
    const target = { api: api.name, apiKind: api.kind, samAuthorizers: new Set(api.authorizerScopes.keys()) };
    readOpenApiDocument(body, defaultAuth ? { ...target, defaultAuth } : target, ctx);
  } else if (body !== undefined || own(props, 'DefinitionUri') !== undefined) {
    const what = isIntrinsic(body) ? 'an included or computed DefinitionBody' : 'DefinitionUri';
    ctx.out.warn(
      'definition-not-read',
      `${api.name}: ${what} is not read from here; open that OpenAPI file to see the routes it declares`,
      ctx.lineOf(props, body !== undefined ? 'DefinitionBody' : 'DefinitionUri'),
    );
  }
}

function samAuthorizer(
  ctx: ReadContext,
  kind: ApiKind,
  definition: unknown,
  where: string,
  line: number | undefined,
): Omit<AuthorizerConfig, 'name' | 'source'> | undefined {
  const r = ctx.resolver;
  const def = r.branch(definition);
  const identity = objAt(def, 'Identity');
  const scopes = r.list(own(def, 'AuthorizationScopes'));
  let config: Omit<AuthorizerConfig, 'name' | 'source'> | undefined;
  if (kind === 'rest' && own(def, 'UserPoolArn') !== undefined) {
    const arns = own(def, 'UserPoolArn');
    config = {
      type: 'cognito',
      userPools: (Array.isArray(arns) ? arns : [arns])
        .map((arn) => userPoolId(arn, r))
        .filter((id): id is string => id !== undefined),
      identitySource: r.text(own(identity, 'Header')) ?? 'Authorization',
    };
    const regex = identityValidationExpression(ctx, identity, where, line);
    if (regex !== undefined) config.validationRegex = regex;
  } else if (kind === 'http' && own(def, 'JwtConfiguration') !== undefined) {
    const jwt = r.branch(own(def, 'JwtConfiguration'));
    config = {
      type: 'jwt',
      identitySource: tokenSource(identityExpressions(own(def, 'IdentitySource'), r)),
      audience: r.list(ownCi(jwt, 'audience')) ?? [],
    };
    const issuer = r.text(ownCi(jwt, 'issuer'));
    if (issuer !== undefined) config.issuer = issuer;
  } else if (own(def, 'FunctionArn') !== undefined) {
    const payload = kind === 'http' ? 'REQUEST' : r.text(own(def, 'FunctionPayloadType'))?.toUpperCase();
    const ttl = ttlSeconds(own(identity, 'ReauthorizeEvery'), r, 300);
    if (payload === 'REQUEST') {
      config = {
        type: 'lambda',
        lambdaType: 'REQUEST',
        ...requestSources(requestIdentity(ctx, kind, identity)),
      };
      config.resultTtlSeconds = ttl;
    } else {
      config = {
        type: 'lambda',
        lambdaType: 'TOKEN',
        identitySource: r.text(own(identity, 'Header')) ?? 'Authorization',
        resultTtlSeconds: ttl,
      };
      const regex = identityValidationExpression(ctx, identity, where, line);
      if (regex !== undefined) config.validationRegex = regex;
    }
    if (kind === 'http') {
      const version = r.text(own(def, 'AuthorizerPayloadFormatVersion'));
      if (version !== undefined) config.payloadFormatVersion = version;
      const simple = flag(own(def, 'EnableSimpleResponses'), r);
      if (simple !== undefined) config.enableSimpleResponses = simple;
    }
  } else {
    ctx.out.warn(
      'unsupported-authorizer',
      `${where}: neither ${kind === 'http' ? 'JwtConfiguration' : 'UserPoolArn'} nor FunctionArn; not simulated`,
      line,
    );
    return undefined;
  }
  if (scopes !== undefined) config.scopes = scopes;
  return config;
}

// SAM's `Identity` lists become the AWS mapping expressions API Gateway stores.
/** `Identity.ValidationExpression` of a Cognito or Lambda TOKEN authorizer, checked with the user-regex engine. */
function identityValidationExpression(
  ctx: ReadContext,
  identity: Obj | undefined,
  where: string,
  line: number | undefined,
): string | undefined {
  const regex = ctx.resolver.text(own(identity, 'ValidationExpression'));
  if (regex === undefined) return undefined;
  return checkedValidationExpression(
    ctx,
    regex,
    `${where} Identity.ValidationExpression`,
    ctx.lineOf(identity, 'ValidationExpression') ?? line,
  );
}

function requestIdentity(ctx: ReadContext, kind: ApiKind, identity: Obj | undefined): string[] {
  const prefixes =
    kind === 'http'
      ? {
          Headers: '$request.header.',
          QueryStrings: '$request.querystring.',
          StageVariables: '$stageVariables.',
          Context: '$context.',
        }
      : {
          Headers: 'method.request.header.',
          QueryStrings: 'method.request.querystring.',
          StageVariables: 'stageVariables.',
          Context: 'context.',
        };
  const out: string[] = [];
  for (const [key, prefix] of Object.entries(prefixes)) {
    for (const name of ctx.resolver.list(own(identity, key)) ?? []) out.push(prefix + name);
  }
  return out;
}

// SAM semantics: event Authorizer, else DefaultAuthorizer; NONE / AWS_IAM; event scopes override the authorizer's ([] = none).
function routeAuth(
  ctx: ReadContext,
  api: SamApi,
  eventAuth: Obj | undefined,
  where: string,
  line: number | undefined,
  about: WarningAbout = {},
): { auth: RouteAuth; scopes: string[] } {
  const name = ctx.resolver.text(own(eventAuth, 'Authorizer')) ?? api.defaultAuthorizer;
  if (!name || name === 'NONE') return { auth: { kind: 'none' }, scopes: [] };
  if (name === 'AWS_IAM') return { auth: { kind: 'iam' }, scopes: [] };
  const declared = api.authorizerScopes.has(name) || ctx.out.authorizer(api.name, name) !== undefined;
  if (!declared) {
    ctx.out.warn(
      'unknown-authorizer',
      `${where}: authorizer "${name}" is not declared in ${api.name}'s Auth.Authorizers; listed as unauthenticated`,
      line,
      about,
    );
    return { auth: { kind: 'none' }, scopes: [] };
  }
  const override = eventAuth !== undefined && Object.hasOwn(eventAuth, 'AuthorizationScopes');
  const scopes = override
    ? (ctx.resolver.list(own(eventAuth, 'AuthorizationScopes')) ?? [])
    : (api.authorizerScopes.get(name) ?? []);
  return { auth: { kind: 'authorizer', api: api.name, id: name }, scopes };
}

function addEventRoute(
  ctx: ReadContext,
  api: SamApi,
  where: string,
  props: Obj,
  line: number | undefined,
): void {
  const r = ctx.resolver;
  const path = r.text(own(props, 'Path'));
  const verb = r.text(own(props, 'Method'))?.toUpperCase();
  let method: string;
  let routePath: string;
  if (api.kind === 'http' && (path === undefined || path === '$default')) {
    method = '$default';
    routePath = '$default';
  } else if (api.kind === 'http' && path !== undefined) {
    method = verb ?? 'ANY';
    routePath = path;
  } else if (path === undefined || verb === undefined) {
    ctx.out.warn(
      'event-incomplete',
      `${where}: an ${api.kind === 'http' ? 'HttpApi' : 'Api'} event needs Path and Method`,
      line,
    );
    return;
  } else {
    method = verb;
    routePath = path;
  }
  const about: WarningAbout = { route: { api: api.name, method, path: routePath } };
  if (!['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'ANY', '$default'].includes(method)) {
    ctx.out.warn(
      'unusual-method',
      `${where}: Method "${method}" is not an HTTP verb API Gateway routes on; only requests with that exact verb would match`,
      line,
      about,
    );
  }
  const eventAuth = objAt(props, 'Auth');
  if (flag(own(eventAuth, 'ApiKeyRequired'), r) === true) api.apiKeyRoutes++;
  const { auth, scopes } = routeAuth(ctx, api, eventAuth, where, line, about);
  ctx.out.addRoute(
    { api: api.name, apiKind: api.kind, method, path: routePath, auth, scopes, line },
    eventAuth !== undefined &&
      (own(eventAuth, 'Authorizer') !== undefined || own(eventAuth, 'AuthorizationScopes') !== undefined)
      ? 'replace'
      : 'keep',
  );
}

// SAM adds an OPTIONS method per path for Cors, carrying the default authorizer unless told not to.
function finishApi(ctx: ReadContext, api: SamApi): void {
  if (api.apiKeyRequired || api.apiKeyRoutes > 0) {
    ctx.out.warn(
      'api-key-required',
      `${api.name}: ${api.apiKeyRequired ? 'every method' : `${api.apiKeyRoutes} method(s)`} also require an API key (x-api-key, checked after the authorizer); the simulator checks only the authorizer`,
    );
  }
  if (!api.cors) return;
  const preflight = api.addDefaultToPreflight
    ? routeAuth(ctx, api, undefined, api.name, api.cors.line)
    : undefined;
  const paths = [...new Set(ctx.out.routesOf(api.name).map((route) => route.path))].filter(
    (p) => p !== '$default',
  );
  const added: string[] = [];
  for (const path of paths) {
    if (ctx.out.hasRoute(api.name, 'OPTIONS', path)) continue;
    const chosen = preflight ?? { auth: { kind: 'none' as const }, scopes: [] };
    ctx.out.addRoute({
      api: api.name,
      apiKind: 'rest',
      method: 'OPTIONS',
      path,
      ...chosen,
      line: api.cors.line,
      preflight: true,
    });
    added.push(path);
  }
  if (preflight?.auth.kind === 'authorizer' && added.length > 0) {
    ctx.out.warn(
      'cors-preflight-authorizer',
      `${api.name}: SAM adds the default authorizer to the CORS preflight OPTIONS methods (${added.join(', ')}); browsers send preflights without credentials, so they get 401 unless Auth.AddDefaultAuthorizerToCorsPreflight is false`,
      api.cors.line,
    );
  }
}
