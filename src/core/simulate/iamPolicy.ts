// Evaluating what a Lambda authorizer returns against the method ARN, as API Gateway does.
import { globMatch, matchesGlob } from '../glob.ts';
import type { ApiCoordinates } from '../config/model.ts';
import type { JsonObject, JsonValue } from '../types.ts';

/** The ARN API Gateway builds for a request: arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}. */
export function methodArn(api: ApiCoordinates, method: string, path: string): string {
  const resource = path.replace(/^\//, '');
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${method}/${resource}`;
}

/** IAM wildcard match: `*` any run of characters (including "/" and ":"), `?` exactly one; linear time. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  return matchesGlob(pattern, value, { caseInsensitive });
}

/** How the output of a Lambda authorizer decides the request. */
export type PolicyEffect = 'allow' | 'explicit-deny' | 'implicit-deny' | 'error';

/** Result of evaluating one authorizer output; `notes` explain each statement. */
export interface PolicyEvaluation {
  effect: PolicyEffect;
  /** Why, in one sentence (for `error`: what is malformed). */
  reason: string;
  notes: string[];
  principalId: string | undefined;
  /** Context values as API Gateway delivers them (strings; JSON values under the `json` rule), when well formed. */
  context: Record<string, JsonValue>;
  /** HTTP API simple response ({isAuthorized}) rather than an IAM policy. */
  simple: boolean;
}

const INVOKE_ACTION = 'execute-api:Invoke';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v): v is string => typeof v === 'string'))
    return value;
  return undefined;
}

/** Match one Action/Resource pattern; a pattern too long to evaluate matches nothing and says so in the notes. */
function globHit(
  pattern: string,
  value: string,
  caseInsensitive: boolean,
  where: string,
  notes: string[],
): boolean {
  const result = globMatch(pattern, value, { caseInsensitive });
  if (!result.ok) notes.push(`${where}: ${result.message}; treated as not matching`);
  return result.matched;
}

function fail(reason: string, notes: string[] = []): PolicyEvaluation {
  return { effect: 'error', reason, notes, principalId: undefined, context: {}, simple: false };
}

/**
 * Which context values an authorizer may return: `scalar` (REST, and HTTP API payload 1.0) string, number or boolean,
 * delivered as strings; `json` (HTTP API payload 2.0) any JSON value, arrays and maps included, delivered as returned.
 */
export type ContextRule = 'scalar' | 'json';

function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  return isRecord(value) && Object.values(value).every((v) => isJsonValue(v, depth + 1));
}

/** Context values under `rule`; a value the rule forbids makes API Gateway fail with 500. */
export function stringifyContext(
  context: unknown,
  rule: ContextRule = 'scalar',
): { ok: true; values: Record<string, JsonValue> } | { ok: false; message: string } {
  if (context === undefined) return { ok: true, values: {} };
  if (!isRecord(context))
    return {
      ok: false,
      message:
        rule === 'json'
          ? 'context must be an object'
          : 'context must be an object of string, number or boolean values',
    };
  const values: JsonObject = {};
  const put = (key: string, value: JsonValue): void => {
    Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const [key, value] of Object.entries(context)) {
    if (typeof value === 'string') put(key, value);
    else if (rule === 'json' && isJsonValue(value)) put(key, value);
    else if (typeof value === 'number' || typeof value === 'boolean') put(key, String(value));
    else if (rule === 'json') return { ok: false, message: `context.${key} is not a JSON value` };
    else {
      const what =
        value === null
          ? 'null'
          : Array.isArray(value)
            ? 'an array'
            : typeof value === 'object'
              ? 'an object'
              : typeof value;
      return {
        ok: false,
        message: `context.${key} is ${what}: only string, number and boolean values are allowed (nested JSON makes API Gateway fail with 500)`,
      };
    }
  }
  return { ok: true, values };
}

/** Replace `${methodArn}` in Resource strings with the ARN of the request that invoked the function. */
export function resolvePolicyPlaceholders(output: unknown, invokedArn: string): unknown {
  if (typeof output === 'string') return output.split('${methodArn}').join(invokedArn);
  if (Array.isArray(output)) return output.map((v) => resolvePolicyPlaceholders(v, invokedArn));
  if (isRecord(output)) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(output)) {
      Object.defineProperty(copy, k, {
        value: resolvePolicyPlaceholders(v, invokedArn),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  return output;
}

/**
 * Evaluate a Lambda authorizer's output (full `{principalId, policyDocument, context}`, a bare policy document, or an
 * HTTP API simple response `{isAuthorized}`) for `arn`. Explicit Deny wins; no matching Allow is an implicit deny.
 */
export function evaluateAuthorizerOutput(
  output: unknown,
  arn: string,
  allowSimple: boolean,
  contextRule: ContextRule = 'scalar',
): PolicyEvaluation {
  if (!isRecord(output)) return fail('the authorizer output is not a JSON object');
  if ('isAuthorized' in output && !('policyDocument' in output)) {
    if (!allowSimple)
      return fail('{isAuthorized} simple responses exist only for HTTP API payload 2.0 authorizers');
    if (typeof output.isAuthorized !== 'boolean') return fail('isAuthorized must be a boolean');
    const ctx = stringifyContext(output.context, contextRule);
    if (!ctx.ok) return fail(ctx.message);
    return {
      effect: output.isAuthorized ? 'allow' : 'implicit-deny',
      reason: `simple response isAuthorized: ${String(output.isAuthorized)}`,
      notes: [],
      principalId: undefined,
      context: ctx.values,
      simple: true,
    };
  }
  const full = 'policyDocument' in output;
  const document = full ? output.policyDocument : output;
  const notes: string[] = [];
  let principalId: string | undefined;
  if (full) {
    if (output.principalId === undefined) notes.push('the output has no principalId');
    else if (typeof output.principalId !== 'string') return fail('principalId must be a string');
    else principalId = output.principalId;
  }
  const ctx = stringifyContext(full ? output.context : undefined, contextRule);
  if (!ctx.ok) return fail(ctx.message);
  if (!isRecord(document)) return fail('policyDocument must be an object');
  if (document.Version !== undefined && document.Version !== '2012-10-17') {
    notes.push(`Version ${JSON.stringify(document.Version)} is not "2012-10-17"`);
  }
  const rawStatements = document.Statement;
  if (rawStatements === undefined) return fail('policyDocument has no Statement');
  const statements: unknown[] = Array.isArray(rawStatements) ? (rawStatements as unknown[]) : [rawStatements];
  let allowed = false;
  let denied = false;
  for (let i = 0; i < statements.length; i++) {
    const st = statements[i];
    const label = `Statement[${i}]`;
    if (!isRecord(st)) return fail(`${label} is not an object`);
    const effect = st.Effect;
    if (effect !== 'Allow' && effect !== 'Deny')
      return fail(`${label}.Effect must be "Allow" or "Deny" (got ${JSON.stringify(effect)})`);
    const actionKey = 'Action' in st ? 'Action' : 'NotAction' in st ? 'NotAction' : undefined;
    const resourceKey = 'Resource' in st ? 'Resource' : 'NotResource' in st ? 'NotResource' : undefined;
    if (!actionKey) return fail(`${label} has no Action`);
    if (!resourceKey) return fail(`${label} has no Resource`);
    const actions = stringList(st[actionKey]);
    const resources = stringList(st[resourceKey]);
    if (!actions) return fail(`${label}.${actionKey} must be a string or a non-empty list of strings`);
    if (!resources) return fail(`${label}.${resourceKey} must be a string or a non-empty list of strings`);
    if ('Condition' in st)
      notes.push(`${label}: Condition is not evaluated by Lambda authorizer policies here`);
    const actionHit = actions.some((a) => globHit(a, INVOKE_ACTION, true, `${label}.${actionKey}`, notes));
    const resourceHit = resources.some((r) => globHit(r, arn, false, `${label}.${resourceKey}`, notes));
    const actionApplies = actionKey === 'Action' ? actionHit : !actionHit;
    const resourceApplies = resourceKey === 'Resource' ? resourceHit : !resourceHit;
    const applies = actionApplies && resourceApplies;
    notes.push(
      `${label} ${effect} ${actionKey} ${JSON.stringify(st[actionKey])} on ${resourceKey} ${JSON.stringify(st[resourceKey])}: ${
        applies
          ? 'applies'
          : !actionApplies
            ? 'action does not match execute-api:Invoke'
            : 'resource does not match'
      }`,
    );
    if (applies && effect === 'Allow') allowed = true;
    if (applies && effect === 'Deny') denied = true;
  }
  if (denied) {
    return {
      effect: 'explicit-deny',
      reason: `an explicit Deny matches ${arn}`,
      notes,
      principalId,
      context: ctx.values,
      simple: false,
    };
  }
  if (allowed) {
    return {
      effect: 'allow',
      reason: `an Allow matches ${arn}`,
      notes,
      principalId,
      context: ctx.values,
      simple: false,
    };
  }
  return {
    effect: 'implicit-deny',
    reason: `no Allow statement matches ${arn}`,
    notes,
    principalId,
    context: ctx.values,
    simple: false,
  };
}
