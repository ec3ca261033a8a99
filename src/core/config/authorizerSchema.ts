// The `authorizers` section of authdebug.yaml: the keys each type accepts, the fields they share, and the
// per-type readers (cognitoJwtSchema.ts, lambdaSchema.ts, albSchema.ts).
import type { Node } from 'yaml';
import type { AuthorizerConfig, AuthorizerType } from './model.ts';
import { readAlb } from './albSchema.ts';
import { readCognito, readJwt } from './cognitoJwtSchema.ts';
import { readLambda } from './lambdaSchema.ts';
import type { Reader } from './yamlReader.ts';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const AUTHORIZER_TYPES: readonly AuthorizerType[] = ['cognito', 'jwt', 'lambda', 'alb'];

const KEYS_BY_TYPE: Record<AuthorizerType, readonly string[]> = {
  cognito: [
    'type',
    'userPools',
    'issuers',
    'identitySource',
    'validationRegex',
    'jwks',
    'clientId',
    'scopes',
  ],
  jwt: ['type', 'issuer', 'audience', 'identitySource', 'jwks', 'scopes'],
  lambda: [
    'type',
    'identitySource',
    'identitySources',
    'verify',
    'policy',
    'context',
    'resultTtlSeconds',
    'lambdaType',
    'validationRegex',
    'payloadFormatVersion',
    'enableSimpleResponses',
  ],
  alb: [
    'type',
    'albArn',
    'clientId',
    'onUnauthenticatedRequest',
    'keyUrl',
    'authorizationEndpoint',
    'issuer',
    'jwks',
  ],
};

/** Header name from `Authorization`, `method.request.header.Authorization` or `$request.header.Authorization`. */
function headerFromIdentitySource(text: string): string | undefined {
  const name = text.replace(/^(method\.request\.header\.|\$request\.header\.)/, '');
  return HEADER_NAME.test(name) ? name : undefined;
}

export function readAuthorizer(
  reader: Reader,
  name: string,
  node: Node | null,
  parentLine: number,
): AuthorizerConfig | undefined {
  const path = `authorizers.${name}`;
  const probe = reader.map(node, path, undefined, parentLine);
  if (!probe) return undefined;
  const typeEntry = probe.get('type');
  if (!typeEntry) {
    reader.errorAt(parentLine, `${path}.type is required (one of ${AUTHORIZER_TYPES.join(', ')})`);
    return undefined;
  }
  const type = reader.oneOf(typeEntry.value, `${path}.type`, AUTHORIZER_TYPES, reader.line(typeEntry.key));
  if (!type) return undefined;
  const entries = reader.map(node, path, KEYS_BY_TYPE[type], parentLine);
  if (!entries) return undefined;
  const config: AuthorizerConfig = { name, type, source: reader.source(node) };
  const at = (key: string): { value: Node | null; line: number } | undefined => {
    const e = entries.get(key);
    return e ? { value: e.value, line: reader.line(e.key) } : undefined;
  };
  const identity = at('identitySource');
  if (identity) {
    const raw = reader.str(identity.value, `${path}.identitySource`, identity.line);
    if (raw !== undefined) {
      const header = headerFromIdentitySource(raw);
      if (header === undefined)
        reader.error(identity.value, `${path}.identitySource must be a header name such as Authorization`);
      else config.identitySource = header;
    }
  }
  const jwks = at('jwks');
  if (jwks) {
    const url = reader.url(jwks.value, `${path}.jwks`, jwks.line, true);
    if (url !== undefined) config.jwks = url;
  }
  const scopes = at('scopes');
  if (scopes) {
    const list = reader.strList(scopes.value, `${path}.scopes`, scopes.line);
    if (list) config.scopes = list;
  }
  const clientId = at('clientId');
  if (clientId) {
    const value = reader.str(clientId.value, `${path}.clientId`, clientId.line);
    if (value !== undefined) config.clientId = value;
  }
  if (type === 'cognito') readCognito(reader, path, parentLine, config, at);
  if (type === 'jwt') readJwt(reader, path, parentLine, config, at);
  if (type === 'lambda') readLambda(reader, path, parentLine, config, at);
  if (type === 'alb') readAlb(reader, path, parentLine, config, at);
  return config;
}
