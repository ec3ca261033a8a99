// Cognito and JWT authorizers in authdebug.yaml: pools, issuers, audiences, and where their keys come from.
import { isSeq } from 'yaml';
import { isCognitoIssuer, isUserPoolId } from '../awsIdentifiers.ts';
import { compileUserRegex } from '../userRegex.ts';
import type { AuthorizerConfig } from './model.ts';
import type { At, Reader } from './yamlReader.ts';

function needJwks(
  reader: Reader,
  path: string,
  line: number,
  config: AuthorizerConfig,
  issuers: string[],
): void {
  if (config.jwks !== undefined) return;
  const foreign = issuers.filter((i) => !isCognitoIssuer(i));
  if (foreign.length > 0) {
    reader.errorAt(
      line,
      `${path}.jwks is required: ${foreign[0]} is not a Cognito user pool issuer, so its key URL is not derived`,
    );
  }
}

export function readCognito(
  reader: Reader,
  path: string,
  line: number,
  config: AuthorizerConfig,
  at: At,
): void {
  const pools = at('userPools');
  const issuers = at('issuers');
  if (!pools && !issuers)
    reader.errorAt(line, `${path}.userPools (or issuers) is required for a cognito authorizer`);
  if (pools) {
    const list = reader.strList(pools.value, `${path}.userPools`, pools.line, true);
    if (list) {
      list.forEach((pool, i) => {
        if (!isUserPoolId(pool)) {
          reader.error(
            pools.value,
            `${path}.userPools[${i}] must be a user pool id like us-east-1_AbC123 (got ${JSON.stringify(pool)})`,
          );
        }
      });
      config.userPools = list;
    }
  }
  if (issuers && isSeq(issuers.value)) {
    const list: string[] = [];
    issuers.value.items.forEach((item, i) => {
      const url = reader.url(reader.resolve(item), `${path}.issuers[${i}]`, issuers.line, false);
      if (url !== undefined) list.push(url);
    });
    if (list.length === 0) reader.error(issuers.value, `${path}.issuers must not be empty`);
    config.issuers = list;
  } else if (issuers) {
    reader.error(issuers.value, `${path}.issuers must be a list of issuer URLs`, issuers.line);
  }
  readValidationRegex(reader, path, config, at);
  needJwks(reader, path, line, config, config.issuers ?? []);
}

/** `validationRegex` (cognito: matched against aud; Lambda TOKEN: against the header value). */
export function readValidationRegex(reader: Reader, path: string, config: AuthorizerConfig, at: At): void {
  const regex = at('validationRegex');
  if (!regex) return;
  const value = reader.str(regex.value, `${path}.validationRegex`, regex.line);
  if (value === undefined) return;
  const compiled = compileUserRegex(value);
  if (compiled.ok) config.validationRegex = value;
  else if (compiled.reason === 'invalid')
    reader.error(regex.value, `${path}.validationRegex is ${compiled.message}`);
  else {
    // Valid for API Gateway (Java) but not evaluable here: kept, and the simulator's trace says so.
    config.validationRegex = value;
    reader.warn(
      'validation-regex-unsupported',
      regex.value,
      `${path}.validationRegex cannot be evaluated by the simulator: ${compiled.message}`,
      { authorizer: config.name },
    );
  }
}

export function readJwt(reader: Reader, path: string, line: number, config: AuthorizerConfig, at: At): void {
  const issuer = at('issuer');
  if (!issuer) reader.errorAt(line, `${path}.issuer is required for a jwt authorizer`);
  else {
    const url = reader.url(issuer.value, `${path}.issuer`, issuer.line, false);
    if (url !== undefined) config.issuer = url;
  }
  const audience = at('audience');
  if (!audience)
    reader.errorAt(
      line,
      `${path}.audience is required for a jwt authorizer (list of accepted aud/client_id values)`,
    );
  else {
    const list = reader.strList(audience.value, `${path}.audience`, audience.line, true);
    if (list) config.audience = list;
  }
  if (config.issuer !== undefined) needJwks(reader, path, line, config, [config.issuer]);
}
