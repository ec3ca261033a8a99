// One simulation in progress: the trace, what ran, and the result built from them (shared by every authorizer).
import type { Check, Warning } from '../findings.ts';
import type { VerifyDeps } from '../keys/types.ts';
import type { JsonObject } from '../types.ts';
import type { ApiKind, AuthorizerConfig, RouteConfig, SimConfig } from '../config/model.ts';
import type { HttpReply } from './awsResponses.ts';
import { backendForbidden, forwarded } from './awsResponses.ts';
import { evaluateRbac } from './rbac.ts';
import type {
  AuthorizerInfo,
  DecidedBy,
  DecidingStep,
  PassHint,
  MatchedRouteInfo,
  SimulationRequest,
  SimulationResult,
  TraceStep,
  UserKeyUrls,
} from './result.ts';
import { step } from './result.ts';
import type { VerifyContext } from './tokenChecks.ts';

/** Collects the trace of one simulation and builds its result. */
export class Run {
  readonly trace: TraceStep[] = [];
  route: MatchedRouteInfo | null = null;
  authorizer: AuthorizerInfo | null = null;
  whatIf: SimulationResult['whatIf'];
  /** The token check that made the authorizer refuse, when one did. */
  failedCheck: Check | undefined;
  /** What would make the request pass, when the deciding step knows. */
  hint: PassHint | undefined;
  readonly baseCtx: VerifyContext;

  constructor(
    readonly request: SimulationRequest,
    readonly now: number,
    deps: VerifyDeps,
    keyUrls?: UserKeyUrls,
  ) {
    this.baseCtx = {
      now,
      clockSkewSeconds: request.config.defaults.clockSkewSeconds,
      signatureSkipped: false,
      deps,
      keyUrls,
    };
  }

  add(name: string, status: TraceStep['status'], message: string): void {
    this.trace.push(step(name, status, message));
  }

  result(
    decision: 'allow' | 'deny',
    reply: HttpReply,
    decidedBy: DecidedBy,
    backendContext: JsonObject | null,
  ): SimulationResult {
    this.add(
      'decision',
      decision === 'allow' ? 'pass' : 'fail',
      decision === 'allow'
        ? decidedBy === 'cors'
          ? `ANSWERED: API Gateway answers the preflight itself (${reply.status}); nothing reaches a route, an authorizer or the backend`
          : `ALLOW: the request reaches the backend (decided by ${decidedBy})`
        : `DENY: ${reply.status}${reply.body === '' ? '' : ` ${reply.body.length > 200 ? `${reply.body.slice(0, 200)}...` : reply.body}`} (decided by ${decidedBy})`,
    );
    const deciding = decision === 'deny' ? this.decidingStep() : undefined;
    const result: SimulationResult = {
      decision,
      status: reply.status,
      body: reply.body,
      headers: reply.headers,
      authorizer: this.authorizer,
      route: this.route,
      trace: this.trace,
      backendContext,
      decidedBy,
    };
    if (deciding) result.decidingStep = deciding;
    if (this.whatIf) result.whatIf = this.whatIf;
    return result;
  }

  /** The last failed step before the decision line (else the last step): what the reason sentence starts from. */
  private decidingStep(): DecidingStep | undefined {
    const steps = this.trace.slice(0, -1);
    const failed = [...steps].reverse().find((t) => t.status === 'fail') ?? steps.at(-1);
    if (!failed) return undefined;
    const deciding: DecidingStep = { step: failed.step, message: failed.message };
    if (this.failedCheck) deciding.check = this.failedCheck;
    if (this.hint) deciding.hint = this.hint;
    return deciding;
  }

  deny(reply: HttpReply, decidedBy: DecidedBy, backendContext: JsonObject | null = null): SimulationResult {
    return this.result('deny', reply, decidedBy, backendContext);
  }
}

/** After the authorizer allowed: the backend applies the route's RBAC rules, if any, to `claims`. */
export function rbacAfterAllow(
  run: Run,
  route: RouteConfig,
  claims: Record<string, unknown>,
  backendContext: JsonObject,
  source: string,
): SimulationResult {
  if (!route.rbac || Object.keys(route.rbac).length === 0) {
    return run.result('allow', forwarded(), 'authorizer', backendContext);
  }
  run.add('rbac', 'info', `the backend applies the route's RBAC rules to ${source}`);
  const outcome = evaluateRbac(route.rbac, claims);
  run.trace.push(...outcome.trace);
  if (!outcome.ok) {
    run.hint = outcome.hint;
    run.add('rbac', 'fail', `the backend refuses with 403: missing ${outcome.missing ?? 'requirement'}`);
    return run.deny(backendForbidden(), 'rbac', backendContext);
  }
  return run.result('allow', forwarded(), 'rbac', backendContext);
}

/**
 * The configuration's warnings about this route or the authorizer that runs, by their structured source (never
 * by message text). A warning naming a route belongs to that route only; with another authorizer chosen for the
 * run, the route's own warnings (about its configured authorizer) do not apply, its authorizer's warnings do.
 */
export function warningsFor(
  config: SimConfig,
  route: RouteConfig,
  authorizer: string | null,
  overridden: boolean,
): Warning[] {
  return config.warnings.filter((w) => {
    const source = w.source;
    if (source === undefined) return false;
    if (source.route !== undefined) {
      return (
        !overridden && source.route === route.route && (source.api === undefined || source.api === route.api)
      );
    }
    return source.authorizer !== undefined && source.authorizer === authorizer;
  });
}

/** What every authorizer kind is given: the run, its configuration, the matched route and the request line. */
export interface AuthorizerCall {
  run: Run;
  auth: AuthorizerConfig;
  route: RouteConfig;
  kind: ApiKind;
  method: string;
  path: string;
}

/** One authorizer kind (cognito, jwt, lambda, alb): decides the request and returns the result, never throws. */
export type AuthorizerSimulator = (call: AuthorizerCall) => Promise<SimulationResult>;
