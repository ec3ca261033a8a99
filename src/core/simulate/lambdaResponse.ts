// What a Lambda authorizer returns and how API Gateway reads it: the configured policy (or one built from the
// route's RBAC rules), then 500 for a malformed answer, 403 for a deny, or allow and the route's RBAC after it.
import type { AuthorizerConfig, RouteConfig } from '../config/model.ts';
import { TRACE_TRAP } from '../config/traps.ts';
import { OBSERVED_NOTE, authorizerError, forwarded, policyDenied } from './awsResponses.ts';
import { lambdaContext } from './backendContext.ts';
import { evaluateAuthorizerOutput, resolvePolicyPlaceholders } from './iamPolicy.ts';
import type { PayloadSettings } from './lambdaSettings.ts';
import { evaluateRbac } from './rbac.ts';
import type { DecidedBy, SimulationResult } from './result.ts';
import type { AuthorizerCall, Run } from './run.ts';
import { rbacAfterAllow } from './run.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The function's answer, and whether the function applied the route's RBAC rules itself (no configured policy). */
export interface LambdaAnswer {
  output: unknown;
  functionRbac: boolean;
}

/** The answer for the invoked method ARN: `policy` with its placeholders resolved, or the RBAC rules' verdict. */
export function functionAnswer(
  run: Run,
  auth: AuthorizerConfig,
  invokedRoute: RouteConfig,
  invokedArn: string,
  claims: Record<string, unknown>,
): LambdaAnswer {
  let output: unknown;
  let functionRbac = false;
  if (auth.policy !== undefined) {
    const resolved = resolvePolicyPlaceholders(auth.policy, invokedArn);
    if (isRecord(resolved) && !('policyDocument' in resolved) && !('isAuthorized' in resolved)) {
      const sub = claims.sub;
      output = {
        principalId: typeof sub === 'string' ? sub : 'user',
        policyDocument: resolved,
        context: auth.context,
      };
    } else if (isRecord(resolved) && auth.context !== undefined && !('context' in resolved)) {
      output = { ...resolved, context: auth.context };
    } else {
      output = resolved;
    }
  } else {
    functionRbac = true;
    const rbac = evaluateRbac(invokedRoute.rbac, claims);
    run.add(
      'lambda',
      'info',
      'the function applies the RBAC rules and returns a policy for the invoked method ARN (event.methodArn)',
    );
    run.trace.push(...rbac.trace);
    if (!rbac.ok) {
      run.hint = rbac.hint;
      run.add('lambda', 'fail', `the function denies: missing ${rbac.missing ?? 'requirement'}`);
    }
    const sub = claims.sub;
    output = {
      principalId: typeof sub === 'string' ? sub : 'user',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: rbac.ok ? 'Allow' : 'Deny', Resource: invokedArn },
        ],
      },
      context: auth.context,
    };
  }
  return { output, functionRbac };
}

/** The request the answer was produced for: this one, or (cache replay) the cached-from request. */
export interface Invocation {
  /** This request's method (or route) ARN, which the policy must allow. */
  arn: string;
  invokedArn: string;
  replayed: boolean;
  /** The token passed the `verify` authorizer: `claims` are its verified claims. */
  verified: boolean;
  claims: Record<string, unknown>;
}

/** API Gateway's reading of the answer, then the route's RBAC on what the authorizer passes on. */
export function decideFromAnswer(
  { run, auth, route, kind }: AuthorizerCall,
  settings: PayloadSettings,
  { output, functionRbac }: LambdaAnswer,
  { arn, invokedArn, replayed, verified, claims }: Invocation,
): SimulationResult {
  const config = run.request.config;
  if (isRecord(output) && 'isAuthorized' in output && !('policyDocument' in output) && kind === 'http') {
    if (!settings.simpleResponses) {
      run.add(
        'policy',
        'fail',
        `the function returns {isAuthorized} but simple responses are not enabled (payload ${settings.version}${auth.enableSimpleResponses === undefined ? ', enableSimpleResponses not set: AWS defaults it to false' : ''}): API Gateway expects an IAM policy, and a response in an invalid format is a 500 (documented). Set enableSimpleResponses: true with payloadFormatVersion 2.0`,
      );
    }
  }
  const evaluation = evaluateAuthorizerOutput(
    output,
    arn,
    kind === 'http' && settings.simpleResponses,
    settings.contextRule,
  );
  for (const note of evaluation.notes) run.add('policy', 'info', note);
  const decidedBy: DecidedBy = replayed ? 'cache' : functionRbac ? 'rbac' : 'policy';
  // The function's own RBAC already named the missing group or claim; otherwise the policy is what to change.
  const policyHint = (effect: 'explicit-deny' | 'implicit-deny'): void => {
    if (functionRbac) return;
    run.hint = {
      kind: 'policy',
      effect,
      resource: arn,
      simple: kind === 'http' && settings.simpleResponses,
      cachedFrom: replayed ? invokedArn : undefined,
    };
  };
  switch (evaluation.effect) {
    case 'error':
      run.add('policy', 'fail', `malformed authorizer output: ${evaluation.reason}: API Gateway answers 500`);
      if (kind === 'rest') run.add('policy', 'info', OBSERVED_NOTE.restErrorType);
      if (kind === 'http' && settings.version === '1.0' && /context\./.test(evaluation.reason)) {
        run.add(
          'policy',
          'info',
          'arrays and maps in context are shown by AWS for payload 2.0 only; for payload 1.0 the simulator keeps the REST rule (string, number, boolean): unverified',
        );
      }
      return run.deny(authorizerError(kind), 'authorizer');
    case 'explicit-deny':
      policyHint('explicit-deny');
      run.add('policy', 'fail', `${evaluation.reason}: explicit Deny wins, 403`);
      if (kind === 'rest') run.add('policy', 'info', OBSERVED_NOTE.restDenyMessageKey);
      return run.deny(policyDenied(kind, true), decidedBy);
    case 'implicit-deny':
      policyHint('implicit-deny');
      run.add('policy', 'fail', `${evaluation.reason}: implicit deny, 403`);
      if (replayed) {
        run.add('trap', 'warn', TRACE_TRAP.cachedPolicy(invokedArn, arn, config.api));
      }
      if (kind === 'rest') run.add('policy', 'info', OBSERVED_NOTE.restDenyMessageKey);
      return run.deny(policyDenied(kind, false), decidedBy);
    case 'allow':
      break;
  }
  run.add('policy', 'pass', evaluation.reason);
  const structured = Object.entries(evaluation.context).filter(
    ([, v]) => typeof v === 'object' && v !== null,
  );
  if (structured.length > 0) {
    run.add(
      'policy',
      'info',
      `context ${structured.map(([k]) => k).join(', ')} holds arrays or maps: allowed for HTTP API payload 2.0 (AWS's own example returns arrayKey and mapKey). The backend's event carries them as returned under requestContext.authorizer.lambda (aws/aws-lambda-go types it as a map of any JSON value; not captured live: unverified); $context.authorizer.X mappings reach scalar values only`,
    );
  }
  const context = lambdaContext(
    kind === 'http' ? 'http' : 'rest',
    evaluation.principalId,
    evaluation.context,
  );
  if (functionRbac) return run.result('allow', forwarded(), 'rbac', context);
  if (verified) return rbacAfterAllow(run, route, claims, context, 'the verified claims');
  return rbacAfterAllow(
    run,
    route,
    evaluation.context,
    context,
    'the Lambda context (no verified claims: the authorizer has no verify)',
  );
}
