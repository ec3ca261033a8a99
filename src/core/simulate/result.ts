// What a simulation returns: the response AWS would send, the step that decided, and a trace of every step.
import type { DecodeResult } from '../types.ts';
import type { JsonObject } from '../types.ts';
import type { AuthorizerType, RouteAuthorizerType, SimConfig } from '../config/model.ts';
import type { Check } from '../findings.ts';

/** Status of one trace step; `info` explains, `warn` flags a trap or a documented disagreement. */
export type TraceStatus = 'pass' | 'fail' | 'info' | 'warn' | 'skip';

/** One line of the trace, in the order AWS (then the backend) would take the steps. */
export interface TraceStep {
  step: string;
  status: TraceStatus;
  message: string;
}

/** Which step decided the outcome; stable strings for tests, the CLI's JSON and the sidebar. */
export type DecidedBy =
  | 'request'
  | 'route'
  | 'config'
  | 'identity-source'
  | 'validation-regex'
  | 'token'
  | 'scope'
  | 'policy'
  | 'cache'
  | 'iam'
  | 'alb-session'
  | 'backend-verification'
  | 'rbac'
  | 'authorizer'
  /** An HTTP API's CorsConfiguration answered the preflight before any route or authorizer. */
  | 'cors';

/** Claim edits for "what if": the decision is re-run on the edited claims, the signature check skipped. */
export interface WhatIfEdits {
  /** Claim name -> new value (JSON values are parsed: numbers, booleans, arrays; anything else stays a string). */
  set?: Record<string, string>;
  addGroups?: string[];
  addScopes?: string[];
}

/** One simulated request. */
export interface SimulationRequest {
  config: SimConfig;
  /** "GET /orders/1" or "GET /orders/1?tenant=acme": the query string is ignored for matching, read by identity sources. */
  route: string;
  /** Anything inspect accepts: a bare token, `Bearer ...`, a header block. Absent = no identity source. */
  token?: string;
  /**
   * The token already decoded (the Inspector, the hover): reused instead of decoding again when it is the token
   * found in `token`; without `token`, it is the bare value of the authorizer's identity source.
   */
  decoded?: DecodeResult;
  /** Use this authorizer instead of the route's. */
  authorizer?: string;
  whatIf?: WhatIfEdits;
  /** Lambda cache replay: the request that filled the authorizer cache before this one ("GET /orders/1"). */
  cachedFrom?: string;
  /** The stage's variables, for `$stageVariables.x` / `stageVariables.x` identity sources. */
  stageVariables?: Record<string, string>;
  /** Origin of a cross-origin browser request (else an `Origin:` line of the header block in `token`). */
  origin?: string;
  /** `$context` values the simulator cannot derive (`identity.sourceIp`...); derived ones (`routeKey`, `stage`...) may be overridden. */
  contextValues?: Record<string, string>;
}

/** Key URLs the user gave (never read from a workspace file): the CLI's --jwks, the editor's authDebugger.jwksUrls. */
export interface UserKeyUrls {
  /** CLI --jwks: the key URL for every token authorizer of this run. */
  all?: string;
  /** Exact issuer -> JWKS URL (authDebugger.jwksUrls). */
  byIssuer?: Readonly<Record<string, string>>;
}

/** Injected clock and the key URLs the user gave: the core never reads the time or the settings itself. */
export interface SimulationOptions {
  /** Epoch seconds. */
  now: number;
  /** Without these, only Cognito issuers and the configuration's own `jwks` have a key URL. */
  keyUrls?: UserKeyUrls;
}

/** The route the request matched, with the path parameters AWS would extract. */
export interface MatchedRouteInfo {
  route: string;
  method: string;
  path: string;
  api: string | undefined;
  apiKind: 'rest' | 'http' | 'alb';
  params: Record<string, string>;
}

/** The authorizer that ran (or that the route names). */
export interface AuthorizerInfo {
  name: string | null;
  type: AuthorizerType | RouteAuthorizerType;
}

/** What would make a denied request pass, as data (the sentences are built in core/explain/verdict.ts). */
export type PassHint =
  /** The authorizer wants the other kind of Cognito token. */
  | { kind: 'token-kind'; send: 'id' | 'access'; sent: 'id' | 'access' }
  /** Any one of `required` is enough; `granted` is what the token carries; `tokenUse` its token_use claim. */
  | { kind: 'scope'; required: string[]; granted: string[]; tokenUse?: string }
  /** The request carries no token where the authorizer reads it. */
  | { kind: 'identity'; header: string }
  /** The authorizer's policy (or simple response) did not allow `resource`; `cachedFrom`: a replayed cached policy. */
  | {
      kind: 'policy';
      effect: 'explicit-deny' | 'implicit-deny';
      resource: string;
      simple: boolean;
      cachedFrom: string | undefined;
    }
  /** An ALB route was given a Cognito token: the ALB sends its own x-amzn-oidc-data, never reads a bearer token. */
  | { kind: 'alb-data'; sent: 'cognito-id' | 'cognito-access' }
  /** `all`: every group of `required` is needed, else any one; `has` is the token's cognito:groups. */
  | { kind: 'group'; required: string[]; all: boolean; has: string[] }
  /** The claim must be one of `allowed`. */
  | { kind: 'claim'; claim: string; allowed: string[] };

/** The step that denied the request: its trace line, the token check behind it, and what would make it pass. */
export interface DecidingStep {
  step: string;
  message: string;
  check?: Check;
  hint?: PassHint;
}

/** The simulator's answer: what the client gets and what the backend receives. */
export interface SimulationResult {
  decision: 'allow' | 'deny';
  /** HTTP status the client sees; 200 stands for "forwarded to the integration". */
  status: number;
  /** Exact response body text AWS sends ("" when the request reaches the backend). */
  body: string;
  headers: Record<string, string>;
  authorizer: AuthorizerInfo | null;
  route: MatchedRouteInfo | null;
  trace: TraceStep[];
  /** What the backend receives (event fragment or headers); null when the request never reaches it. */
  backendContext: JsonObject | null;
  decidedBy: DecidedBy;
  /** Set on every deny: the step that decided, for the one-sentence reason every surface leads with. */
  decidingStep?: DecidingStep;
  whatIf?: { edited: true; signatureSkipped: true; edits: string[] };
  /** For a request with an Origin: whether the browser lets the page see this answer or shows a CORS error. */
  cors?: CorsFinding;
}

/** Why the browser does (or does not) let the page see the response; stable strings for tests and surfaces. */
export type CorsReason =
  | 'preflight-answered-by-api'
  | 'preflight-answered-by-mock'
  | 'preflight-reached-backend'
  | 'preflight-refused'
  | 'origin-not-allowed'
  | 'method-not-allowed'
  | 'header-not-allowed'
  | 'error-without-cors-headers'
  | 'error-with-cors-headers'
  | 'api-adds-cors-headers'
  | 'backend-must-add'
  | 'alb-redirect';

/** What the browser makes of the answer to a cross-origin request. */
export interface CorsFinding {
  origin: string;
  preflight: boolean;
  /**
   * `blocked`: the browser reports a CORS error and the page never sees `status`; `visible`: the page sees the
   * response; `backend`: it depends on the CORS headers the backend itself returns.
   */
  browser: 'blocked' | 'visible' | 'backend';
  reason: CorsReason;
  message: string;
  /** The status the client actually got (hidden from the page when blocked). */
  status: number;
}

/** Shorthand for building trace lines. */
export function step(name: string, status: TraceStatus, message: string): TraceStep {
  return { step: name, status, message };
}
