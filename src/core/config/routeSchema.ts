// The `routes` section of authdebug.yaml: route templates, the authorizer each names, scopes and RBAC.
import type { Node } from 'yaml';
import { isSeq } from 'yaml';
import type { AuthorizerConfig, ApiKind, RbacPolicy, RouteConfig } from './model.ts';
import { routeTraps } from './traps.ts';
import type { Reader } from './yamlReader.ts';

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];

/** Split "METHOD /path" or "$default" and check the template; ALB routes allow `*` and `?`. */
function parseRouteTemplate(
  text: string,
  alb: boolean,
): { ok: true; method: string; path: string } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '$default') return { ok: true, method: '$default', path: '$default' };
  const match = /^(\S+)\s+(\S+)$/.exec(trimmed);
  if (!match)
    return { ok: false, message: 'must look like "GET /orders/{id}", "ANY /{proxy+}" or "$default"' };
  const method = match[1] ?? '';
  const path = match[2] ?? '';
  if (!ROUTE_METHODS.includes(method))
    return {
      ok: false,
      message: `method must be one of ${ROUTE_METHODS.join(', ')} (got ${JSON.stringify(method)})`,
    };
  if (!path.startsWith('/'))
    return { ok: false, message: `path must start with "/" (got ${JSON.stringify(path)})` };
  if (alb) {
    if (/[{}]/.test(path)) return { ok: false, message: 'ALB path patterns use * and ?, not {param}' };
    return { ok: true, method, path };
  }
  if (/[*?]/.test(path))
    return {
      ok: false,
      message: '* and ? are ALB path patterns; API Gateway paths use {param} and {proxy+}',
    };
  const segments = path === '/' ? [] : path.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] ?? '';
    if (s === '') return { ok: false, message: `path has an empty segment: ${JSON.stringify(path)}` };
    if (/^\{[A-Za-z0-9._-]+\+\}$/.test(s)) {
      if (i !== segments.length - 1) return { ok: false, message: `${s} must be the last segment` };
    } else if (/[{}]/.test(s) && !/^\{[A-Za-z0-9._-]+\}$/.test(s)) {
      return { ok: false, message: `bad path parameter ${JSON.stringify(s)} (use {name} or {name+})` };
    }
  }
  return { ok: true, method, path };
}

function readRbac(
  reader: Reader,
  node: Node | null,
  path: string,
  parentLine: number,
): RbacPolicy | undefined {
  const entries = reader.map(node, path, ['groups', 'allGroups', 'scopes', 'claims'], parentLine);
  if (!entries) return undefined;
  const rbac: RbacPolicy = {};
  for (const key of ['groups', 'allGroups', 'scopes'] as const) {
    const e = entries.get(key);
    if (!e) continue;
    const list = reader.strList(e.value, `${path}.${key}`, reader.line(e.key));
    if (list) rbac[key] = list;
  }
  const claims = entries.get('claims');
  if (claims) {
    const map = reader.map(claims.value, `${path}.claims`, undefined, reader.line(claims.key));
    if (map) {
      const out: Record<string, string | string[]> = {};
      for (const [name, e] of map) {
        const valuePath = `${path}.claims.${name}`;
        const value = isSeq(e.value)
          ? reader.strList(e.value, valuePath, reader.line(e.key), true)
          : reader.str(e.value, valuePath, reader.line(e.key));
        if (value !== undefined)
          Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      }
      rbac.claims = out;
    }
  }
  return rbac;
}

export function readRoute(
  reader: Reader,
  node: Node | null,
  index: number,
  authorizers: Record<string, AuthorizerConfig>,
  parentLine: number,
): RouteConfig | undefined {
  const path = `routes[${index}]`;
  const entries = reader.map(node, path, ['route', 'authorizer', 'scopes', 'rbac', 'apiKind'], parentLine);
  if (!entries) return undefined;
  const routeEntry = entries.get('route');
  const authEntry = entries.get('authorizer');
  if (!routeEntry) reader.error(node, `${path}.route is required ("METHOD /path" or "$default")`);
  if (!authEntry) reader.error(node, `${path}.authorizer is required (an authorizer name, none or iam)`);
  if (!routeEntry || !authEntry) return undefined;
  const routeText = reader.str(routeEntry.value, `${path}.route`, reader.line(routeEntry.key));
  const authName = reader.str(authEntry.value, `${path}.authorizer`, reader.line(authEntry.key));
  if (routeText === undefined || authName === undefined) return undefined;
  let authorizer: AuthorizerConfig | undefined;
  let authorizerType: RouteConfig['authorizerType'];
  if (authName === 'none' || authName === 'iam') authorizerType = authName;
  else {
    authorizer = Object.hasOwn(authorizers, authName) ? authorizers[authName] : undefined;
    if (!authorizer) {
      const known = Object.keys(authorizers);
      reader.error(
        authEntry.value,
        `${path}.authorizer ${JSON.stringify(authName)} is not defined under authorizers (known: ${known.length ? known.join(', ') : 'none'}; or use none, iam)`,
      );
      return undefined;
    }
    authorizerType = authorizer.type;
  }
  const alb = authorizerType === 'alb';
  const template = parseRouteTemplate(routeText, alb);
  if (!template.ok) {
    reader.error(routeEntry.value, `${path}.route ${template.message}`);
    return undefined;
  }
  const route: RouteConfig = {
    route: routeText.trim(),
    method: template.method,
    path: template.path,
    authorizer: authorizer ? authorizer.name : null,
    authorizerType,
    scopes: authorizer?.scopes ?? [],
    source: reader.source(node),
  };
  const apiKind = entries.get('apiKind');
  if (apiKind) {
    const value = reader.oneOf<ApiKind>(
      apiKind.value,
      `${path}.apiKind`,
      ['rest', 'http', 'alb'],
      reader.line(apiKind.key),
    );
    if (value !== undefined) {
      if ((value === 'alb') !== alb)
        reader.error(apiKind.value, `${path}.apiKind alb goes with alb authorizers only`);
      route.apiKind = value;
    }
  }
  const scopes = entries.get('scopes');
  if (scopes) {
    const list = reader.strList(scopes.value, `${path}.scopes`, reader.line(scopes.key));
    if (list) route.scopes = list;
  }
  const rbac = entries.get('rbac');
  if (rbac) {
    const value = readRbac(reader, rbac.value, `${path}.rbac`, reader.line(rbac.key));
    if (value) route.rbac = value;
  }
  // The same traps, ids and wording as in infrastructure files (config/traps.ts).
  reader.warnings.push(
    ...routeTraps(route, authorizer, reader.file, {
      lines: { scopes: scopes ? reader.line(scopes.value) : undefined },
    }),
  );
  return route;
}
