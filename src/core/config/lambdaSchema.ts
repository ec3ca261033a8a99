// Lambda authorizers in authdebug.yaml: what the function returns, its cache, its identity sources and payload.
import { isMap, isScalar } from 'yaml';
import { readValidationRegex } from './cognitoJwtSchema.ts';
import { parseIdentityExpression } from './identitySources.ts';
import type { AuthorizerConfig } from './model.ts';
import type { At, Reader } from './yamlReader.ts';

export function readLambda(
  reader: Reader,
  path: string,
  line: number,
  config: AuthorizerConfig,
  at: At,
): void {
  const verify = at('verify');
  if (verify) {
    const value = reader.str(verify.value, `${path}.verify`, verify.line);
    if (value !== undefined) config.verify = value;
  }
  const policy = at('policy');
  if (policy) config.policy = reader.toJs(policy.value, `${path}.policy`, policy.line);
  const context = at('context');
  if (context) {
    if (!isMap(context.value)) reader.error(context.value, `${path}.context must be a mapping`, context.line);
    else {
      const value = reader.toJs(context.value, `${path}.context`, context.line);
      if (value !== undefined) config.context = value as Record<string, unknown>;
    }
  }
  if (!verify && !policy) {
    reader.errorAt(
      line,
      `${path} needs policy (what the function returns) or verify (an authorizer the token must pass)`,
    );
  }
  const ttl = at('resultTtlSeconds');
  if (ttl) {
    const value = reader.num(ttl.value, `${path}.resultTtlSeconds`, 0, 3600, true, ttl.line);
    if (value !== undefined) config.resultTtlSeconds = value;
  }
  const lambdaType = at('lambdaType');
  if (lambdaType) {
    const value = reader.oneOf(
      lambdaType.value,
      `${path}.lambdaType`,
      ['TOKEN', 'REQUEST'] as const,
      lambdaType.line,
    );
    if (value !== undefined) config.lambdaType = value;
  }
  readLambdaSources(reader, path, config, at);
  readValidationRegex(reader, path, config, at);
  if (config.validationRegex !== undefined && config.lambdaType === 'REQUEST') {
    reader.warn(
      'validation-regex-ignored',
      at('validationRegex')?.value,
      `${path}.validationRegex applies to TOKEN authorizers only: AWS ignores it on a REQUEST authorizer`,
      { authorizer: config.name },
    );
  }
  const version = at('payloadFormatVersion');
  if (version) {
    // YAML reads an unquoted 2.0 as the number 2: both spellings mean the same version.
    const raw = isScalar(version.value) ? version.value.value : undefined;
    const text = typeof raw === 'number' ? raw.toFixed(1) : raw;
    if (text === '1.0' || text === '2.0') config.payloadFormatVersion = text;
    else reader.error(version.value, `${path}.payloadFormatVersion must be "1.0" or "2.0"`, version.line);
  }
  const simple = at('enableSimpleResponses');
  if (simple) {
    const raw = isScalar(simple.value) ? simple.value.value : undefined;
    if (typeof raw === 'boolean') config.enableSimpleResponses = raw;
    else reader.error(simple.value, `${path}.enableSimpleResponses must be true or false`, simple.line);
  }
  if (config.enableSimpleResponses === true && config.payloadFormatVersion === '1.0') {
    reader.errorAt(
      simple?.line ?? line,
      `${path}.enableSimpleResponses needs payloadFormatVersion "2.0" (simple responses exist only for payload 2.0)`,
    );
  }
}

/** `identitySources`: every AWS mapping expression the authorizer reads (any one missing: 401 without a call). */
function readLambdaSources(reader: Reader, path: string, config: AuthorizerConfig, at: At): void {
  const sources = at('identitySources');
  if (!sources) return;
  if (at('identitySource')) {
    reader.error(
      sources.value,
      `${path}: give identitySource (one header) or identitySources (a list of mapping expressions), not both`,
    );
    return;
  }
  const list = reader.strList(sources.value, `${path}.identitySources`, sources.line);
  if (!list) return;
  const valid = list.filter((text, i) => {
    if (parseIdentityExpression(text)) return true;
    reader.error(
      sources.value,
      `${path}.identitySources[${i}] ${JSON.stringify(text)} is not an identity source: use $request.header.X, $request.querystring.X, $stageVariables.X or $context.X (HTTP API), method.request.header.X, method.request.querystring.X, stageVariables.X or context.X (REST), or a header name`,
    );
    return false;
  });
  if (valid.length === list.length) config.identitySources = list;
}
