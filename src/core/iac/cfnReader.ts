// Plain CloudFormation API Gateway resources (REST v1 and HTTP v2) linked by Ref -> authorizers and routes.
import type { AuthorizerConfig, AuthorizerType } from '../config/model.ts';
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
import { isObj, own, ownCi } from './objects.ts';
import { isOpenApiDocument, readOpenApiDocument } from './openApiReader.ts';
import { referenceName, resourcesOfType } from './readerContext.ts';
import type { ReadContext, TemplateResource } from './readerContext.ts';
import { checkedValidationExpression } from './validationExpression.ts';
import { httpCors, readCfnGatewayResponses } from './corsReader.ts';

type Draft = Omit<AuthorizerConfig, 'name' | 'source'>;

/** Read AWS::ApiGateway::* and AWS::ApiGatewayV2::* resources. */
export function readCloudFormation(ctx: ReadContext): void {
  readRestApis(ctx);
  readHttpApis(ctx);
}

function readRestApis(ctx: ReadContext): void {
  const r = ctx.resolver;
  for (const api of resourcesOfType(ctx, 'AWS::ApiGateway::RestApi')) {
    ctx.out.addApi(api.id, 'rest');
    readBody(ctx, api, 'rest');
  }
  readCfnGatewayResponses(ctx, resourcesOfType(ctx, 'AWS::ApiGateway::GatewayResponse'), (props) => {
    const api = referenceName(ctx, own(props, 'RestApiId'));
    if (api !== undefined) ctx.out.addApi(api, 'rest');
    return api;
  });
  for (const stage of resourcesOfType(ctx, 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment')) {
    const api = referenceName(ctx, own(stage.props, 'RestApiId'));
    const name = r.text(own(stage.props, 'StageName'));
    if (api && name) ctx.out.setStage(api, name);
  }
  for (const resource of resourcesOfType(ctx, 'AWS::ApiGateway::Authorizer')) {
    const api = referenceName(ctx, own(resource.props, 'RestApiId')) ?? '?';
    ctx.out.addApi(api, 'rest');
    const config = restAuthorizer(ctx, resource);
    if (!config) continue;
    const displayName = r.text(own(resource.props, 'Name')) ?? resource.id;
    ctx.out.addAuthorizer({ api, id: resource.id, displayName, config, line: resource.line });
  }
  const paths = new ResourcePaths(ctx);
  for (const method of resourcesOfType(ctx, 'AWS::ApiGateway::Method')) {
    const p = method.props;
    const api = referenceName(ctx, own(p, 'RestApiId')) ?? '?';
    ctx.out.addApi(api, 'rest');
    const verb = r.text(own(p, 'HttpMethod'))?.toUpperCase() ?? 'ANY';
    const path = paths.pathOf(own(p, 'ResourceId'), method.id, method.line);
    const where = `${method.id} (${verb} ${path})`;
    const type = (r.text(own(p, 'AuthorizationType')) ?? 'NONE').toUpperCase();
    const authorizerId = own(p, 'AuthorizerId');
    const scopes = r.list(own(p, 'AuthorizationScopes')) ?? [];
    let auth: RouteAuth = { kind: 'none' };
    if (type === 'AWS_IAM') auth = { kind: 'iam' };
    else if (type === 'CUSTOM' || type === 'COGNITO_USER_POOLS') {
      auth = linkAuthorizer(
        ctx,
        api,
        authorizerId,
        type === 'CUSTOM' ? 'lambda' : 'cognito',
        where,
        method.line,
        { api, method: verb, path },
      );
    } else if (type === 'NONE' && authorizerId !== undefined && r.resolve(authorizerId) !== undefined) {
      const literal = authorizerId === 'AWS::NoValue';
      ctx.out.warn(
        'authorizer-ignored',
        literal
          ? `${where}: AuthorizerId is the literal string "AWS::NoValue" (not {"Ref": "AWS::NoValue"}); API Gateway ignores it because AuthorizationType is NONE`
          : `${where}: AuthorizerId is set but AuthorizationType is NONE; the method is open`,
        method.line,
        { route: { api, method: verb, path } },
      );
    } else if (type !== 'NONE') {
      ctx.out.warn(
        'unsupported-authorizer',
        `${where}: AuthorizationType ${type} is not simulated`,
        method.line,
        { route: { api, method: verb, path } },
      );
    }
    ctx.out.addRoute({ api, apiKind: 'rest', method: verb, path, auth, scopes, line: method.line });
  }
}

function readHttpApis(ctx: ReadContext): void {
  const r = ctx.resolver;
  const websocket = new Set<string>();
  for (const api of resourcesOfType(ctx, 'AWS::ApiGatewayV2::Api')) {
    if ((r.text(own(api.props, 'ProtocolType')) ?? 'HTTP').toUpperCase() === 'WEBSOCKET') {
      websocket.add(api.id);
      ctx.out.warn('websocket-not-simulated', `${api.id}: WebSocket APIs are not simulated`, api.line);
      continue;
    }
    ctx.out.addApi(api.id, 'http', own(api.props, 'Target') !== undefined ? '$default' : undefined);
    const cors = own(api.props, 'CorsConfiguration');
    const settings =
      cors === undefined ? undefined : httpCors(ctx, cors, ctx.lineOf(api.props, 'CorsConfiguration'));
    if (settings) ctx.out.setCors(api.id, settings);
    readBody(ctx, api, 'http');
    if (own(api.props, 'Target') !== undefined) {
      // Quick create: one route (default $default) with no authorizer.
      const key = r.text(own(api.props, 'RouteKey')) ?? '$default';
      const [method, path] = splitRouteKey(key);
      const route = { api: api.id, apiKind: 'http' as const, method, path, scopes: [], line: api.line };
      ctx.out.addRoute({ ...route, auth: { kind: 'none' } });
    }
  }
  for (const stage of resourcesOfType(ctx, 'AWS::ApiGatewayV2::Stage')) {
    const api = referenceName(ctx, own(stage.props, 'ApiId'));
    const name = r.text(own(stage.props, 'StageName'));
    if (api && name && !websocket.has(api)) ctx.out.setStage(api, name);
  }
  for (const resource of resourcesOfType(ctx, 'AWS::ApiGatewayV2::Authorizer')) {
    const api = referenceName(ctx, own(resource.props, 'ApiId')) ?? '?';
    if (websocket.has(api)) continue;
    ctx.out.addApi(api, 'http');
    const config = httpAuthorizer(ctx, resource);
    if (!config) continue;
    const displayName = r.text(own(resource.props, 'Name')) ?? resource.id;
    ctx.out.addAuthorizer({ api, id: resource.id, displayName, config, line: resource.line });
  }
  for (const route of resourcesOfType(ctx, 'AWS::ApiGatewayV2::Route')) {
    const p = route.props;
    const api = referenceName(ctx, own(p, 'ApiId')) ?? '?';
    if (websocket.has(api)) continue;
    ctx.out.addApi(api, 'http');
    const key = r.text(own(p, 'RouteKey')) ?? '$default';
    const [method, path] = splitRouteKey(key);
    const type = (r.text(own(p, 'AuthorizationType')) ?? 'NONE').toUpperCase();
    const where = `${route.id} (${key})`;
    let auth: RouteAuth = { kind: 'none' };
    if (type === 'AWS_IAM') auth = { kind: 'iam' };
    else if (type === 'JWT' || type === 'CUSTOM') {
      auth = linkAuthorizer(
        ctx,
        api,
        own(p, 'AuthorizerId'),
        type === 'JWT' ? 'jwt' : 'lambda',
        where,
        route.line,
        { api, method, path },
      );
    } else if (type !== 'NONE') {
      ctx.out.warn(
        'unsupported-authorizer',
        `${where}: AuthorizationType ${type} is not simulated`,
        route.line,
        { route: { api, method, path } },
      );
    }
    const scopes = r.list(own(p, 'AuthorizationScopes')) ?? [];
    ctx.out.addRoute({ api, apiKind: 'http', method, path, auth, scopes, line: route.line });
  }
}

/** `"GET /pets"` -> ['GET', '/pets']; `$default` stays itself. */
function splitRouteKey(key: string): [string, string] {
  const trimmed = key.trim();
  if (trimmed === '$default') return ['$default', '$default'];
  const space = trimmed.indexOf(' ');
  if (space === -1) return ['ANY', trimmed];
  return [trimmed.slice(0, space).toUpperCase(), trimmed.slice(space + 1).trim()];
}

function readBody(ctx: ReadContext, api: TemplateResource, kind: 'rest' | 'http'): void {
  const body = own(api.props, 'Body');
  if (isOpenApiDocument(body)) readOpenApiDocument(body, { api: api.id, apiKind: kind }, ctx);
  else if (body !== undefined || own(api.props, 'BodyS3Location') !== undefined) {
    ctx.out.warn(
      'definition-not-read',
      `${api.id}: ${isIntrinsic(body) ? 'a computed Body' : 'BodyS3Location'} is not read from here; open that OpenAPI file to see its routes`,
      api.line,
    );
  }
}

// AuthorizerId -> the authorizer declared in this template, or a named stub whose values are placeholders.
function linkAuthorizer(
  ctx: ReadContext,
  api: string,
  value: unknown,
  expected: AuthorizerType,
  where: string,
  line: number | undefined,
  route: NonNullable<WarningAbout['route']>,
): RouteAuth {
  const target = ctx.resolver.refTarget(value);
  const declared = target ? ctx.out.authorizer(api, target) : undefined;
  if (target && declared) {
    if (declared.config.type !== expected) {
      ctx.out.warn(
        'authorizer-type-mismatch',
        `${where}: the method expects a ${expected} authorizer but ${target} is ${declared.config.type}; using ${declared.config.type}`,
        line,
        { route, authorizer: { api, id: target } },
      );
    }
    return { kind: 'authorizer', api, id: target };
  }
  const shown = ctx.resolver.text(value) ?? '(missing AuthorizerId)';
  const id = target ?? shown;
  if (!ctx.out.authorizer(api, id)) {
    ctx.out.warn(
      'unknown-authorizer',
      `${where}: authorizer ${shown} is not declared in this template; a ${expected} authorizer with placeholder values stands in for it`,
      line,
      { route, authorizer: { api, id } },
    );
    const stub: Omit<AuthorizerConfig, 'name' | 'source'> =
      expected === 'cognito'
        ? { type: 'cognito', userPools: [`\${UserPoolId:${id}}`] }
        : expected === 'jwt'
          ? { type: 'jwt', issuer: `\${Issuer:${id}}`, audience: [`\${Audience:${id}}`] }
          : { type: 'lambda', lambdaType: 'TOKEN', identitySource: 'Authorization', resultTtlSeconds: 300 };
    ctx.out.addAuthorizer({ api, id, displayName: id, config: stub, line: undefined });
  }
  return { kind: 'authorizer', api, id };
}

function restAuthorizer(ctx: ReadContext, resource: TemplateResource): Draft | undefined {
  const r = ctx.resolver;
  const p = resource.props;
  const type = r.text(own(p, 'Type'))?.toUpperCase();
  const sources = identityExpressions(own(p, 'IdentitySource'), r);
  const regex = r.text(own(p, 'IdentityValidationExpression'));
  const ttl = ttlSeconds(own(p, 'AuthorizerResultTtlInSeconds'), r, 300);
  let config: Draft;
  if (type === 'COGNITO_USER_POOLS') {
    const arns = own(p, 'ProviderARNs');
    config = {
      type: 'cognito',
      userPools: (Array.isArray(arns) ? arns : [arns])
        .map((arn) => userPoolId(arn, r))
        .filter((id): id is string => id !== undefined),
      identitySource: tokenSource(sources),
    };
  } else if (type === 'TOKEN') {
    config = {
      type: 'lambda',
      lambdaType: 'TOKEN',
      identitySource: tokenSource(sources),
      resultTtlSeconds: ttl,
    };
  } else if (type === 'REQUEST') {
    config = { type: 'lambda', lambdaType: 'REQUEST', ...requestSources(sources), resultTtlSeconds: ttl };
  } else {
    ctx.out.warn(
      'unsupported-authorizer',
      `${resource.id}: authorizer Type ${type ?? '?'} is not simulated`,
      resource.line,
    );
    return undefined;
  }
  if (regex !== undefined) {
    config.validationRegex = checkedValidationExpression(
      ctx,
      regex,
      `${resource.id} IdentityValidationExpression`,
      ctx.lineOf(p, 'IdentityValidationExpression') ?? resource.line,
    );
  }
  return config;
}

function httpAuthorizer(ctx: ReadContext, resource: TemplateResource): Draft | undefined {
  const r = ctx.resolver;
  const p = resource.props;
  const type = r.text(own(p, 'AuthorizerType'))?.toUpperCase();
  const sources = identityExpressions(own(p, 'IdentitySource'), r);
  if (type === 'JWT') {
    const jwt = r.branch(own(p, 'JwtConfiguration'));
    const config: Draft = {
      type: 'jwt',
      identitySource: tokenSource(sources),
      audience: r.list(ownCi(jwt, 'Audience')) ?? [],
    };
    const issuer = r.text(ownCi(jwt, 'Issuer'));
    if (issuer !== undefined) config.issuer = issuer;
    return config;
  }
  if (type === 'REQUEST') {
    const config: Draft = {
      type: 'lambda',
      lambdaType: 'REQUEST',
      ...requestSources(sources),
      resultTtlSeconds: ttlSeconds(own(p, 'AuthorizerResultTtlInSeconds'), r, 300),
    };
    const version = r.text(own(p, 'AuthorizerPayloadFormatVersion'));
    if (version !== undefined) config.payloadFormatVersion = version;
    const simple = flag(own(p, 'EnableSimpleResponses'), r);
    if (simple !== undefined) config.enableSimpleResponses = simple;
    return config;
  }
  ctx.out.warn(
    'unsupported-authorizer',
    `${resource.id}: AuthorizerType ${type ?? '?'} is not simulated`,
    resource.line,
  );
  return undefined;
}

/** REST resource paths built from `PathPart` and `ParentId` chains (`RootResourceId` is `/`). */
class ResourcePaths {
  private readonly cache = new Map<string, string>();

  constructor(private readonly ctx: ReadContext) {}

  pathOf(value: unknown, owner: string, line: number | undefined, seen: Set<string> = new Set()): string {
    const r = this.ctx.resolver;
    if (isRoot(this.ctx, value)) return '/';
    const ref = r.refTarget(value);
    if (ref && r.resourceType(ref) === 'AWS::ApiGateway::Resource') {
      const cached = this.cache.get(ref);
      if (cached !== undefined) return cached;
      if (seen.has(ref) || seen.size > 64) {
        this.ctx.out.warn(
          'resource-cycle',
          `${owner}: resource ${ref} has a cyclic or absurdly deep parent chain`,
          line,
        );
        return '/?';
      }
      seen.add(ref);
      const props = r.branch(own(r.resource(ref), 'Properties'));
      const parent = this.pathOf(own(props, 'ParentId'), owner, line, seen);
      const part = r.text(own(props, 'PathPart')) ?? '?';
      const path = parent === '/' ? `/${part}` : `${parent}/${part}`;
      this.cache.set(ref, path);
      return path;
    }
    const shown = r.text(value) ?? '?';
    this.ctx.out.warn(
      'unresolved-value',
      `${owner}: resource ${shown} is not declared in this template; its path is shown as a placeholder`,
      line,
    );
    return `/${shown.startsWith('${') ? shown : `\${${shown}}`}`;
  }
}

// `!GetAtt Api.RootResourceId` or `!Sub ${Api.RootResourceId}`.
function isRoot(ctx: ReadContext, value: unknown): boolean {
  const getAtt = ctx.resolver.getAtt(value);
  if (getAtt) return getAtt[1] === 'RootResourceId';
  const sub = own(value, 'Fn::Sub');
  return isObj(value) && typeof sub === 'string' && /^\$\{[A-Za-z0-9]+\.RootResourceId\}$/.test(sub.trim());
}
