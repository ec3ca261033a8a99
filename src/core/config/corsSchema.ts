// authdebug.yaml `api.cors` and `api.gatewayResponses`: the same settings the IaC readers take from templates.
import type { Node } from 'yaml';
import type { CorsSettings, GatewayResponseSettings } from './model.ts';
import type { Reader } from './yamlReader.ts';

const CORS_KEYS = [
  'allowOrigins',
  'allowMethods',
  'allowHeaders',
  'exposeHeaders',
  'allowCredentials',
  'maxAge',
];

/** `api.cors: {allowOrigins: [...], allowMethods, allowHeaders, exposeHeaders, allowCredentials, maxAge}`. */
export function readCorsSettings(reader: Reader, node: Node | null, line: number): CorsSettings | undefined {
  const entries = reader.map(node, 'api.cors', CORS_KEYS, line);
  if (!entries) return undefined;
  const list = (key: string): string[] => {
    const e = entries.get(key);
    return e ? (reader.strList(e.value, `api.cors.${key}`, reader.line(e.key)) ?? []) : [];
  };
  const cors: CorsSettings = {
    allowOrigins: list('allowOrigins'),
    allowMethods: list('allowMethods').map((m) => m.toUpperCase()),
    allowHeaders: list('allowHeaders'),
    exposeHeaders: list('exposeHeaders'),
    allowCredentials: false,
    source: reader.source(node),
  };
  const credentials = entries.get('allowCredentials');
  if (credentials) {
    const value = reader.toJs(credentials.value, 'api.cors.allowCredentials', reader.line(credentials.key));
    if (typeof value === 'boolean') cors.allowCredentials = value;
    else reader.error(credentials.value, 'api.cors.allowCredentials must be true or false');
  }
  const maxAge = entries.get('maxAge');
  if (maxAge) {
    const value = reader.num(maxAge.value, 'api.cors.maxAge', -1, 86400, true, reader.line(maxAge.key));
    if (value !== undefined) cors.maxAge = value;
  }
  if (cors.allowOrigins.length === 0)
    reader.error(node, 'api.cors.allowOrigins must list at least one origin');
  return cors;
}

/** `api.gatewayResponses: {DEFAULT_4XX: {statusCode, headers: {Access-Control-Allow-Origin: "'*'"}}}`. */
export function readGatewayResponses(
  reader: Reader,
  node: Node | null,
  line: number,
): Record<string, GatewayResponseSettings> | undefined {
  const types = reader.map(node, 'api.gatewayResponses', undefined, line);
  if (!types) return undefined;
  const out: Record<string, GatewayResponseSettings> = {};
  for (const [type, e] of types) {
    const path = `api.gatewayResponses.${type}`;
    if (!/^[A-Z][A-Z0-9_]*$/.test(type)) {
      reader.error(e.key, `${path}: response types are upper-case names such as DEFAULT_4XX or UNAUTHORIZED`);
      continue;
    }
    const fields = reader.map(e.value, path, ['statusCode', 'headers'], reader.line(e.key));
    if (!fields) continue;
    const settings: GatewayResponseSettings = { headers: {}, source: reader.source(e.value) };
    const status = fields.get('statusCode');
    if (status) {
      const value = reader.num(status.value, `${path}.statusCode`, 100, 599, true, reader.line(status.key));
      if (value !== undefined) settings.statusCode = value;
    }
    const headers = fields.get('headers');
    const headerEntries = headers
      ? reader.map(headers.value, `${path}.headers`, undefined, reader.line(headers.key))
      : undefined;
    for (const [name, h] of headerEntries ?? []) {
      const value = reader.str(h.value, `${path}.headers.${name}`, reader.line(h.key));
      if (value !== undefined)
        Object.defineProperty(settings.headers, name, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    Object.defineProperty(out, type, {
      value: settings,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
