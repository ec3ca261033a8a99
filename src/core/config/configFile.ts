// Reads authdebug.yaml / authdebug.json strictly: every error names the file, the line and the key.
// The YAML reading is yamlReader.ts; the sections are authorizerSchema.ts and routeSchema.ts.
import { isScalar, isSeq } from 'yaml';
import { sortBySourceLine, warning } from '../findings.ts';
import { isAwsRegion } from '../awsIdentifiers.ts';
import { splitByApiKind } from './apiKinds.ts';
import { readAuthorizer } from './authorizerSchema.ts';
import { readCorsSettings, readGatewayResponses } from './corsSchema.ts';
import { BudgetExceeded } from './budget.ts';
import type { ApiCoordinates, ApiKind, AuthorizerConfig, RouteConfig, SimConfig } from './model.ts';
import { readRoute } from './routeSchema.ts';
import { parseYamlWithLines, Reader } from './yamlReader.ts';

/** A parsed configuration, or every problem found (each "file:line: key message"). */
export type ConfigResult = { ok: true; config: SimConfig } | { ok: false; errors: string[] };

/** Parse authdebug.yaml / authdebug.json (JSON is read by the same YAML parser, so lines are exact). */
export function parseConfigFile(fileName: string, text: string): ConfigResult {
  try {
    return parseConfigText(fileName, text);
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    return { ok: false, errors: [`${fileName}: not read: ${error.message}`] };
  }
}

function parseConfigText(fileName: string, text: string): ConfigResult {
  const parsed = parseYamlWithLines(fileName, text);
  if (!parsed.ok) return parsed;
  const { doc, lines } = parsed;
  const reader = new Reader(fileName, doc, lines);
  const root = reader.map(reader.resolve(doc.contents), '', [
    'version',
    'defaults',
    'api',
    'authorizers',
    'routes',
  ]);
  if (!root)
    return { ok: false, errors: reader.errors.map((e) => e.replace(/:  must be/, ': the file must be')) };
  const version = root.get('version');
  if (!version) reader.error(doc.contents, 'version is required (version: 1)');
  else if (!isScalar(version.value) || version.value.value !== 1)
    reader.error(version.value, 'version must be 1', reader.line(version.key));

  let region: string | undefined;
  let clockSkewSeconds = 0;
  const defaults = root.get('defaults');
  if (defaults) {
    const entries = reader.map(
      defaults.value,
      'defaults',
      ['region', 'clockSkewSeconds'],
      reader.line(defaults.key),
    );
    const r = entries?.get('region');
    if (r) {
      const value = reader.str(r.value, 'defaults.region', reader.line(r.key));
      if (value !== undefined && !isAwsRegion(value))
        reader.error(r.value, 'defaults.region must be a region such as us-east-1');
      else region = value;
    }
    const skew = entries?.get('clockSkewSeconds');
    if (skew)
      clockSkewSeconds =
        reader.num(skew.value, 'defaults.clockSkewSeconds', 0, 300, false, reader.line(skew.key)) ?? 0;
  }

  let api: ApiCoordinates | undefined;
  const apiEntry = root.get('api');
  if (apiEntry) {
    const entries = reader.map(
      apiEntry.value,
      'api',
      ['region', 'accountId', 'apiId', 'stage', 'kind', 'cors', 'gatewayResponses'],
      reader.line(apiEntry.key),
    );
    if (entries) {
      const get = (key: string, required: boolean): string | undefined => {
        const e = entries.get(key);
        if (!e) {
          if (required) reader.error(apiEntry.value, `api.${key} is required`);
          return undefined;
        }
        return reader.str(e.value, `api.${key}`, reader.line(e.key));
      };
      const apiRegion = get('region', false);
      if (apiRegion !== undefined && !isAwsRegion(apiRegion))
        reader.error(entries.get('region')?.value, 'api.region must be a region such as us-east-1');
      const accountId = get('accountId', true);
      if (accountId !== undefined && !/^\d{12}$/.test(accountId))
        reader.error(entries.get('accountId')?.value, 'api.accountId must be 12 digits');
      const apiId = get('apiId', true);
      const stage = get('stage', true);
      const kindEntry = entries.get('kind');
      const kind = kindEntry
        ? reader.oneOf<ApiKind>(kindEntry.value, 'api.kind', ['rest', 'http'], reader.line(kindEntry.key))
        : undefined;
      api = {
        region: apiRegion ?? region ?? 'us-east-1',
        accountId: accountId ?? '<accountId>',
        apiId: apiId ?? '<apiId>',
        stage: stage ?? '<stage>',
      };
      if (kind) api.kind = kind;
      const corsEntry = entries.get('cors');
      const cors = corsEntry
        ? readCorsSettings(reader, corsEntry.value, reader.line(corsEntry.key))
        : undefined;
      if (cors) api.cors = cors;
      const responsesEntry = entries.get('gatewayResponses');
      const responses = responsesEntry
        ? readGatewayResponses(reader, responsesEntry.value, reader.line(responsesEntry.key))
        : undefined;
      if (responses) api.gatewayResponses = responses;
    }
  }

  const authorizers: Record<string, AuthorizerConfig> = {};
  const authEntry = root.get('authorizers');
  if (authEntry) {
    const entries = reader.map(authEntry.value, 'authorizers', undefined, reader.line(authEntry.key));
    for (const [name, e] of entries ?? []) {
      if (name === 'none' || name === 'iam') {
        reader.error(
          e.key,
          `authorizers.${name}: "${name}" is reserved for routes without a token authorizer`,
        );
        continue;
      }
      const config = readAuthorizer(reader, name, e.value, reader.line(e.key));
      if (config)
        Object.defineProperty(authorizers, name, {
          value: config,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    for (const config of Object.values(authorizers)) {
      if (config.verify === undefined) continue;
      const target = Object.hasOwn(authorizers, config.verify) ? authorizers[config.verify] : undefined;
      if (!target || (target.type !== 'cognito' && target.type !== 'jwt')) {
        reader.errors.push(
          `${fileName}:${config.source?.line ?? 1}: authorizers.${config.name}.verify must name a cognito or jwt authorizer (got ${JSON.stringify(config.verify)})`,
        );
      }
    }
  }

  const routes: RouteConfig[] = [];
  const routesEntry = root.get('routes');
  if (!routesEntry) reader.error(doc.contents, 'routes is required (a list of {route, authorizer})');
  else if (!isSeq(routesEntry.value))
    reader.error(routesEntry.value, 'routes must be a list', reader.line(routesEntry.key));
  else {
    const seen = new Map<string, number>();
    routesEntry.value.items.forEach((item, i) => {
      const node = reader.resolve(item);
      const route = readRoute(reader, node, i, authorizers, reader.line(routesEntry.value));
      if (!route) return;
      const key = `${route.method} ${route.path}`;
      const previous = seen.get(key);
      if (previous !== undefined)
        reader.error(
          node,
          `routes[${i}].route ${JSON.stringify(route.route)} duplicates routes[${previous}]`,
        );
      else seen.set(key, i);
      routes.push(route);
    });
  }

  // One API per file: its routes must agree on REST or HTTP API, explicitly or by what their authorizers imply.
  const apiRoutes = routes.filter((r) => r.apiKind !== 'alb' && r.authorizerType !== 'alb');
  const kinds = splitByApiKind(apiRoutes, api?.kind);
  if (!kinds.ok) {
    for (const problem of kinds.problems)
      reader.errors.push(`${fileName}:${problem.route.source?.line ?? 1}: ${problem.message}`);
  }

  const hasLambda = Object.values(authorizers).some((a) => a.type === 'lambda');
  if (!api) {
    api = { region: region ?? 'us-east-1', accountId: '<accountId>', apiId: '<apiId>', stage: '<stage>' };
    if (hasLambda) {
      reader.warnings.push(
        warning(
          'api-placeholders',
          `${fileName}:1: api (region, accountId, apiId, stage) is not set: method ARNs use placeholders`,
        ),
      );
    }
  }
  if (reader.errors.length > 0) return { ok: false, errors: reader.errors };
  return {
    ok: true,
    config: {
      version: 1,
      file: fileName,
      defaults: { region: region ?? api.region, clockSkewSeconds },
      api,
      authorizers,
      routes,
      warnings: sortBySourceLine(reader.warnings),
    },
  };
}
