// The trap scan of a configuration read from infrastructure code: the traps themselves live in config/traps.ts.
import type { Warning } from '../findings.ts';
import type { AuthorizerConfig, RouteConfig } from '../config/model.ts';
import { authorizerTraps, routeTraps } from '../config/traps.ts';
import { looksLikePoolId } from './authorizerValues.ts';

/** Warnings about routes and authorizers; `skip` holds generated routes that already carry their own warning. */
export function trapWarnings(
  file: string,
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
    const authorizer =
      route.authorizer !== null && Object.hasOwn(authorizers, route.authorizer)
        ? authorizers[route.authorizer]
        : undefined;
    out.push(...routeTraps(route, authorizer, file, { preflight: skip.has(route) }));
  }
  for (const config of Object.values(authorizers)) {
    out.push(...authorizerTraps(config, routesByAuthorizer.get(config.name) ?? [], file, looksLikePoolId));
  }
  return out;
}
