// Lambda authorizer settings checked before the function is invoked: the HTTP API payload version and simple
// responses, and the REST TOKEN identity validation expression.
import type { ApiKind, AuthorizerConfig } from '../config/model.ts';
import { compileUserRegex } from '../userRegex.ts';
import { authorizerError, unauthorized } from './awsResponses.ts';
import type { ContextRule } from './iamPolicy.ts';
import { isTokenAuthorizer } from './requestIdentity.ts';
import type { SimulationResult } from './result.ts';
import type { Run } from './run.ts';

/** HTTP API Lambda authorizer settings that change what the function may return. */
export interface PayloadSettings {
  version: '1.0' | '2.0';
  simpleResponses: boolean;
  contextRule: ContextRule;
}

/** The HTTP API payload format version and simple-response setting; undefined when API Gateway refuses them. */
export function payloadSettings(
  run: Run,
  auth: AuthorizerConfig,
  kind: ApiKind,
): PayloadSettings | undefined {
  if (kind !== 'http') {
    if (auth.payloadFormatVersion !== undefined || auth.enableSimpleResponses !== undefined) {
      run.add(
        'lambda',
        'warn',
        'payloadFormatVersion and enableSimpleResponses are HTTP API settings: a REST API ignores them',
      );
    }
    return { version: '1.0', simpleResponses: false, contextRule: 'scalar' };
  }
  const written = auth.payloadFormatVersion;
  if (written !== undefined && written !== '1.0' && written !== '2.0') {
    run.add(
      'lambda',
      'fail',
      `payloadFormatVersion ${JSON.stringify(written)}: the supported values are 1.0 and 2.0, so API Gateway refuses this authorizer`,
    );
    return undefined;
  }
  const version = written ?? '2.0';
  if (written === undefined) {
    run.add(
      'lambda',
      'info',
      'payloadFormatVersion is not set: 2.0 assumed (AWS requires it when the authorizer is created with the CLI, CloudFormation or an SDK)',
    );
  }
  const simpleResponses = auth.enableSimpleResponses === true;
  if (simpleResponses && version !== '2.0') {
    run.add(
      'lambda',
      'fail',
      'enableSimpleResponses is supported only with payloadFormatVersion 2.0: API Gateway refuses this authorizer',
    );
    return undefined;
  }
  run.add(
    'lambda',
    'info',
    version === '1.0'
      ? 'payload 1.0: the event carries identitySource as one comma-joined string and methodArn; the function must return an IAM policy'
      : `payload 2.0: the event carries identitySource as an array, routeArn and routeKey; the function may return ${simpleResponses ? '{isAuthorized, context} (simple responses are enabled) or an IAM policy' : 'an IAM policy only (enableSimpleResponses is not true)'}`,
  );
  return { version, simpleResponses, contextRule: version === '2.0' ? 'json' : 'scalar' };
}

/** REST TOKEN authorizers: the validation expression is matched against the header value before the call. */
export function tokenValidationStep(
  run: Run,
  auth: AuthorizerConfig,
  kind: ApiKind,
  header: string,
  value: string,
): SimulationResult | undefined {
  if (auth.validationRegex === undefined) return undefined;
  if (!isTokenAuthorizer(auth, kind)) {
    run.add(
      'validation-regex',
      'info',
      `validationRegex is ignored: AWS applies the identity validation expression to TOKEN authorizers only (not to REQUEST${kind === 'http' ? ' or HTTP API' : ''} authorizers)`,
    );
    return undefined;
  }
  const pattern = auth.validationRegex;
  const expression = compileUserRegex(pattern);
  if (!expression.ok && expression.reason === 'invalid') {
    run.add(
      'validation-regex',
      'fail',
      `the identity validation expression /${pattern}/ is ${expression.message}: API Gateway refuses to create this authorizer; fix the configuration`,
    );
    return run.deny(authorizerError(kind), 'config');
  }
  const outcome = expression.ok ? expression.test(value) : undefined;
  const unusable = !expression.ok ? expression.message : outcome?.ok === false ? outcome.message : undefined;
  if (outcome?.ok && outcome.note) run.add('validation-regex', 'info', outcome.note);
  if (unusable !== undefined) {
    run.add(
      'validation-regex',
      'warn',
      `the identity validation expression /${pattern}/ cannot be evaluated here: ${unusable}. The simulation continues as if it matched; AWS (Java regular expressions) may answer 401 instead`,
    );
    return undefined;
  }
  const matched = outcome?.ok === true && outcome.matched;
  run.add(
    'validation-regex',
    matched ? 'pass' : 'fail',
    matched
      ? `the ${header} header value matches the identity validation expression /${pattern}/: the function is invoked`
      : `the ${header} header value does not match the identity validation expression /${pattern}/: 401 without invoking the function`,
  );
  if (!/^\^/.test(pattern) || !/\$$/.test(pattern)) {
    run.add(
      'validation-regex',
      'info',
      'the expression is not anchored with ^...$: the simulator looks for it anywhere in the header value; whether AWS requires a whole-value match is not documented (unverified)',
    );
  }
  return matched ? undefined : run.deny(unauthorized(kind), 'validation-regex');
}
