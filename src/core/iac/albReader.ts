// ALB listeners and listener rules with authenticate-cognito / authenticate-oidc actions -> alb authorizers and routes.
import type { AuthorizerConfig } from '../config/model.ts';
import { userPoolId } from './authorizerValues.ts';
import type { RouteAuth, WarningAbout } from './configBuilder.ts';
import { isPlaceholder } from './intrinsics.ts';
import { isObj, own } from './objects.ts';
import type { Obj } from './objects.ts';
import { referenceName, resourcesOfType } from './readerContext.ts';
import type { ReadContext, TemplateResource } from './readerContext.ts';

const NON_HTTP = new Set(['TCP', 'UDP', 'TLS', 'TCP_UDP', 'GENEVE']);

interface Listener {
  resource: TemplateResource;
  api: string;
  albArn: string;
  protocol: string | undefined;
}

/** Read every HTTP(S) listener: its rules (by priority) first, then its default action as `ANY /*`. */
export function readAlb(ctx: ReadContext): void {
  const r = ctx.resolver;
  const resources = resourcesOfType(ctx, 'AWS::ElasticLoadBalancingV2::Listener');
  const perBalancer = new Map<string, number>();
  for (const resource of resources) {
    const lb = referenceName(ctx, own(resource.props, 'LoadBalancerArn')) ?? '?';
    perBalancer.set(lb, (perBalancer.get(lb) ?? 0) + 1);
  }
  const declared = new Set(resources.map((resource) => resource.id));
  const listeners = new Map<string, Listener>();
  for (const resource of resources) {
    const protocol = r.text(own(resource.props, 'Protocol'))?.toUpperCase();
    if (protocol && NON_HTTP.has(protocol)) continue;
    const lbValue = own(resource.props, 'LoadBalancerArn');
    const lb = referenceName(ctx, lbValue) ?? '?';
    const port = r.text(own(resource.props, 'Port'));
    const api = (perBalancer.get(lb) ?? 0) > 1 && port ? `${lb}:${port}` : lb;
    listeners.set(resource.id, {
      resource,
      api,
      albArn: r.text(lbValue) ?? `\${LoadBalancerArn:${lb}}`,
      protocol,
    });
  }
  const rules = resourcesOfType(ctx, 'AWS::ElasticLoadBalancingV2::ListenerRule').map((rule) => ({
    rule,
    listener: referenceName(ctx, own(rule.props, 'ListenerArn')) ?? '?',
    priority: Number(r.text(own(rule.props, 'Priority')) ?? Number.MAX_SAFE_INTEGER),
  }));
  rules.sort((a, b) => a.priority - b.priority);
  const rulesByListener = new Map<string, TemplateResource[]>();
  for (const { rule, listener } of rules) {
    const list = rulesByListener.get(listener);
    if (list) list.push(rule);
    else rulesByListener.set(listener, [rule]);
  }
  const readListener = (id: string, listener: Listener): void => {
    ctx.out.addApi(listener.api, 'alb', undefined, listener.albArn);
    for (const rule of rulesByListener.get(id) ?? []) {
      if (redirectsOnly(ctx, own(rule.props, 'Actions'))) continue;
      const auth = actionAuth(ctx, rule, own(rule.props, 'Actions'), listener);
      const { paths, methods } = ruleConditions(ctx, rule);
      for (const path of paths) {
        for (const method of methods) {
          ctx.out.addRoute({
            api: listener.api,
            apiKind: 'alb',
            method,
            path,
            auth,
            scopes: [],
            line: rule.line,
          });
        }
      }
    }
    const defaults = own(listener.resource.props, 'DefaultActions');
    if (redirectsOnly(ctx, defaults)) return;
    const auth = actionAuth(ctx, listener.resource, defaults, listener);
    ctx.out.addRoute({
      api: listener.api,
      apiKind: 'alb',
      method: 'ANY',
      path: '/*',
      auth,
      scopes: [],
      line: listener.resource.line,
    });
  };
  for (const [id, listener] of listeners) readListener(id, listener);
  // Rules attached to a listener declared elsewhere (imported ARN): grouped under that listener's reference.
  for (const { rule, listener } of rules) {
    if (declared.has(listener)) continue;
    const external: Listener = {
      resource: rule,
      api: listener,
      albArn: `\${LoadBalancerArn:${listener}}`,
      protocol: undefined,
    };
    ctx.out.addApi(listener, 'alb', undefined, external.albArn);
    const auth = actionAuth(ctx, rule, own(rule.props, 'Actions'), external);
    const { paths, methods } = ruleConditions(ctx, rule);
    for (const path of paths) {
      for (const method of methods) {
        ctx.out.addRoute({ api: listener, apiKind: 'alb', method, path, auth, scopes: [], line: rule.line });
      }
    }
  }
}

// Path patterns and HTTP methods a rule matches; other condition kinds are reported, not simulated.
function ruleConditions(ctx: ReadContext, rule: TemplateResource): { paths: string[]; methods: string[] } {
  const r = ctx.resolver;
  const paths: string[] = [];
  const methods: string[] = [];
  const ignored: string[] = [];
  const conditions = r.resolve(own(rule.props, 'Conditions'));
  for (const condition of Array.isArray(conditions) ? conditions : []) {
    const field = r.text(own(condition, 'Field'));
    if (field === 'path-pattern') {
      paths.push(
        ...(r.list(own(own(condition, 'PathPatternConfig'), 'Values')) ??
          r.list(own(condition, 'Values')) ??
          []),
      );
    } else if (field === 'http-request-method') {
      const values =
        r.list(own(own(condition, 'HttpRequestMethodConfig'), 'Values')) ??
        r.list(own(condition, 'Values')) ??
        [];
      methods.push(...values.map((value) => value.toUpperCase()));
    } else if (field) {
      ignored.push(field);
    }
  }
  if (ignored.length > 0) {
    ctx.out.warn(
      'alb-condition-not-simulated',
      `${rule.id}: ${ignored.join(', ')} condition(s) are not simulated; the rule is listed by its path pattern only`,
      rule.line,
    );
  }
  return { paths: paths.length > 0 ? paths : ['/*'], methods: methods.length > 0 ? methods : ['ANY'] };
}

// The first authenticate-* action (by Order) guards the route; it becomes an `alb` authorizer named after the resource.
function actionAuth(
  ctx: ReadContext,
  owner: TemplateResource,
  value: unknown,
  listener: Listener,
): RouteAuth {
  const r = ctx.resolver;
  const actions = (Array.isArray(value) ? value : [])
    .map((action: unknown, index) => ({ action, order: Number(r.text(own(action, 'Order')) ?? index + 1) }))
    .sort((a, b) => a.order - b.order)
    .map((entry) => entry.action);
  for (const action of actions) {
    const type = r.text(own(action, 'Type'))?.toLowerCase();
    if (type === 'authenticate-cognito' || type === 'authenticate-oidc' || type === 'jwt-validation') {
      const config = actionAuthorizer(ctx, type, action, listener.albArn);
      const about: WarningAbout = { authorizer: { api: listener.api, id: owner.id } };
      if (listener.protocol === 'HTTP' && type !== 'jwt-validation') {
        ctx.out.warn(
          'alb-https-only',
          `${owner.id}: ${type} works only on HTTPS listeners`,
          owner.line,
          about,
        );
      }
      if (type === 'jwt-validation') {
        ctx.out.warn(
          'alb-jwt-validation',
          `${owner.id}: the ALB jwt-validation action is simulated like an API Gateway JWT authorizer (issuer, expiry, scopes)`,
          owner.line,
          about,
        );
      }
      ctx.out.addAuthorizer({
        api: listener.api,
        id: owner.id,
        displayName: owner.id,
        config,
        line: owner.line,
      });
      return { kind: 'authorizer', api: listener.api, id: owner.id };
    }
    if (type === 'forward' || type === 'fixed-response' || type === 'redirect') break;
  }
  return { kind: 'none' };
}

// A listener or rule whose first action redirects (typically HTTP -> HTTPS) never reaches a target: no route.
function redirectsOnly(ctx: ReadContext, value: unknown): boolean {
  const actions = Array.isArray(value) ? value : [];
  const first = actions
    .map((action: unknown, index) => ({
      action,
      order: Number(ctx.resolver.text(own(action, 'Order')) ?? index + 1),
    }))
    .sort((a, b) => a.order - b.order)[0];
  return ctx.resolver.text(own(first?.action, 'Type'))?.toLowerCase() === 'redirect';
}

function actionAuthorizer(
  ctx: ReadContext,
  type: string,
  action: unknown,
  albArn: string,
): Omit<AuthorizerConfig, 'name' | 'source'> {
  const r = ctx.resolver;
  if (type === 'jwt-validation') {
    const jwt = own(action, 'JwtValidationConfig');
    const config: Omit<AuthorizerConfig, 'name' | 'source'> = { type: 'jwt', audience: [] };
    const issuer = r.text(own(jwt, 'Issuer'));
    const jwks = r.text(own(jwt, 'JwksEndpoint'));
    if (issuer !== undefined) config.issuer = issuer;
    if (jwks !== undefined) config.jwks = jwks;
    return config;
  }
  const cognito = type === 'authenticate-cognito';
  const settings: Obj = (() => {
    const block = own(action, cognito ? 'AuthenticateCognitoConfig' : 'AuthenticateOidcConfig');
    return isObj(block) ? block : {};
  })();
  const config: Omit<AuthorizerConfig, 'name' | 'source'> = {
    type: 'alb',
    albArn,
    onUnauthenticatedRequest: unauthenticated(r.text(own(settings, 'OnUnauthenticatedRequest'))),
  };
  const clientId = r.text(own(settings, cognito ? 'UserPoolClientId' : 'ClientId'));
  if (clientId !== undefined) config.clientId = clientId;
  if (cognito) {
    const pool = userPoolId(own(settings, 'UserPoolArn'), r);
    if (pool !== undefined) config.userPools = [pool];
    const domain = r.text(own(settings, 'UserPoolDomain'));
    if (domain !== undefined) config.authorizationEndpoint = cognitoAuthorizeUrl(domain, pool);
  } else {
    const issuer = r.text(own(settings, 'Issuer'));
    if (issuer !== undefined) config.issuer = issuer;
    const endpoint = r.text(own(settings, 'AuthorizationEndpoint'));
    if (endpoint !== undefined) config.authorizationEndpoint = endpoint;
  }
  return config;
}

function unauthenticated(value: string | undefined): 'authenticate' | 'deny' | 'allow' {
  const lower = value?.toLowerCase();
  return lower === 'deny' || lower === 'allow' ? lower : 'authenticate';
}

// Hosted UI authorize endpoint: a prefix domain lives under auth.{region}.amazoncognito.com; a custom domain is used as is.
function cognitoAuthorizeUrl(domain: string, pool: string | undefined): string {
  if (domain.includes('.') && !isPlaceholder(domain)) return `https://${domain}/oauth2/authorize`;
  const region = pool && !isPlaceholder(pool) ? pool.split('_')[0] : undefined;
  return `https://${domain}.auth.${region ?? '${AWS::Region}'}.amazoncognito.com/oauth2/authorize`;
}
