// The configuration mistakes AWS users trip on, spotted in what the infrastructure code declares.
import { warning } from '../findings.ts';
import type { Warning } from '../findings.ts';
import type { AuthorizerConfig, RouteConfig, SourceRef } from '../config/model.ts';
import { looksLikePoolId } from './authorizerValues.ts';
import { isPlaceholder } from './intrinsics.ts';

/** Warnings about routes and authorizers; `skip` holds generated routes that already carry their own warning. */
export function trapWarnings(
  routes: RouteConfig[],
  authorizers: Record<string, AuthorizerConfig>,
  skip: ReadonlySet<RouteConfig>,
): Warning[] {
  const out: Warning[] = [];
  const routesByAuthorizer = new Map<string, RouteConfig[]>();
  for (const route of routes) {
    if (route.authorizer === null) continue;
    const list = routesByAuthorizer.get(route.authorizer);
    if (list) list.push(route);
    else routesByAuthorizer.set(route.authorizer, [route]);
  }
  for (const route of routes) {
    const where = `${route.route}${route.api ? ` on ${route.api}` : ''}${at(route.source)}`;
    if (!skip.has(route) && route.authorizerType === 'cognito' && route.scopes.length === 0) {
      out.push(
        warning(
          'cognito-no-scopes',
          `${where}: Cognito authorizer "${route.authorizer}" with no OAuth scopes on the method accepts only ID tokens; an access token gets 401.`,
        ),
      );
    }
    if (route.authorizerType === 'lambda' && route.scopes.length > 0) {
      out.push(
        warning(
          'lambda-scopes-ignored',
          `${where}: scopes [${route.scopes.join(', ')}] on a Lambda-authorized method are ignored by API Gateway; only the Lambda authorizer "${route.authorizer}" decides.`,
        ),
      );
    }
    const unresolved = route.scopes.filter(isPlaceholder);
    if (unresolved.length > 0) {
      out.push(
        warning(
          'unresolved-value',
          `${where}: scope ${unresolved.join(', ')} could not be resolved from the template; fill it in before simulating.`,
        ),
      );
    }
  }
  for (const config of Object.values(authorizers)) {
    const name = `Authorizer "${config.name}"${at(config.source)}`;
    if (config.placeholders) {
      const list = Object.entries(config.placeholders)
        .map(([key, value]) => `${key} = ${value}`)
        .join('; ');
      out.push(
        warning('unresolved-value', `${name}: values the template cannot resolve are placeholders: ${list}.`),
      );
    }
    for (const pool of config.type === 'cognito' ? (config.userPools ?? []) : []) {
      if (!looksLikePoolId(pool)) {
        out.push(
          warning(
            'user-pool-not-recognized',
            `${name}: "${pool}" is neither a user pool id (us-east-1_AbC123) nor a user pool ARN; no real token will match it.`,
          ),
        );
      }
    }
    const nonHeader = nonHeaderSource(config);
    if (nonHeader) {
      out.push(
        warning(
          'identity-source-not-header',
          `${name} reads its identity from ${nonHeader}, not from a header; requests without it get 401.`,
        ),
      );
    }
    if (config.type === 'lambda' && (config.resultTtlSeconds ?? 300) > 0) {
      const using = routesByAuthorizer.get(config.name) ?? [];
      const greedy = using.some((route) => /\{[^{}]+\+\}|\*/.test(route.path) || route.method === 'ANY');
      if (using.length > 1 || greedy) {
        out.push(
          warning(
            'lambda-cache-sibling-routes',
            `${name} caches its policy for ${config.resultTtlSeconds ?? 300}s per ${config.lambdaType === 'TOKEN' ? 'token' : 'identity source'} across ${using.length > 1 ? `${using.length} routes` : 'a greedy route'}: a policy that allows only the first method ARN makes later calls to other routes fail with 403.`,
          ),
        );
      }
    }
  }
  return out;
}

function at(source: SourceRef | undefined): string {
  return source ? ` (line ${source.line})` : '';
}

// The token source when it is a query string, stage variable or context value instead of a header.
function nonHeaderSource(config: AuthorizerConfig): string | undefined {
  const source = config.identitySource;
  if (source && /^(\$|method\.request\.|route\.request\.|stageVariables\.|context\.)/.test(source))
    return source;
  if (config.identitySource === undefined && config.identitySources && config.identitySources.length > 0) {
    return config.identitySources.join(', ');
  }
  return undefined;
}
