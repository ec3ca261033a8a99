// The one typed protocol between the extension host and its webviews; both sides import it with `import type`.
// Facts the core already names (token kinds, check and trace statuses, authorizer types) are reused from the
// core, never redeclared as `string`, so a new status or type fails to compile where a view does not handle it.
import type { Check, CheckStatus, Warning } from '../core/findings.ts';
import type { AuthorizerType, RouteAuthorizerType } from '../core/config/model.ts';
import type { AuthorizerInfo, SimulationResult, TraceStatus, TraceStep } from '../core/simulate/result.ts';
import type { ClaimInfo, JsonObject, TimeInfo, TokenKind, TokenReport } from '../core/types.ts';

/** Whether keys may be fetched, and why not when they may not: every view shows it. */
export interface TrustInfo {
  trusted: boolean;
  /** One sentence for the UI when something is limited (Restricted Mode). */
  note: string | undefined;
}

/** The parts of the core's TokenReport the Inspector renders (`redacted` is header.payload.<redacted>). */
export type InspectorReport = Pick<
  TokenReport,
  | 'kind'
  | 'valid'
  | 'header'
  | 'payload'
  | 'rawHeader'
  | 'rawPayload'
  | 'claims'
  | 'lifetimeSeconds'
  | 'checks'
  | 'warnings'
  | 'redacted'
>;

/** One decoded token as the Inspector renders it: the core's report plus where it came from. */
export interface InspectorToken extends InspectorReport {
  /** Lower-case HTTP header the token came from, or undefined for a bare token. */
  httpHeader: string | undefined;
  /** Whether "Simulate" makes sense (a signed token, not a JWE or garbage). */
  simulatable: boolean;
}

/** Everything one Inspector render needs. */
export interface InspectorState {
  tokens: InspectorToken[];
  headerBlock: boolean;
  valid: boolean;
  /** Where the input came from, for the subtitle. */
  source: InputSource;
  /** Changes when the panel shows new input (not on "Verify again"): the view scrolls back to the top. */
  inputSerial: number;
  /** Epoch milliseconds of this verification. */
  verifiedAt: number;
  /** Whether keys were allowed to be fetched for this verification. */
  networkAllowed: boolean;
  trust: TrustInfo;
}

export type InputSource = 'selection' | 'clipboard' | 'input box' | 'editor' | 'simulator' | 'argument';

export type HostToInspector =
  | { type: 'render'; state: InspectorState }
  | { type: 'busy'; message: string }
  | { type: 'failed'; message: string; trust: TrustInfo }
  | { type: 'notice'; message: string };

export type InspectorToHost =
  | { type: 'ready' }
  | { type: 'verifyAgain' }
  | { type: 'reloadKeys' }
  | { type: 'copy'; text: string }
  | { type: 'simulate'; index: number };

/** A route the simulator can run, as listed in the route picker. */
export interface RouteOption {
  /** Stable id within one config summary: `<configId>#<index>`. */
  id: string;
  configId: string;
  route: string;
  method: string;
  path: string;
  api: string | undefined;
  authorizer: string | null;
  authorizerType: RouteAuthorizerType;
  scopes: string[];
  line: number | undefined;
}

/** An authorizer defined in one configuration. */
export interface AuthorizerOption {
  configId: string;
  name: string;
  type: AuthorizerType;
}

/** One configuration source in the workspace: authdebug.yaml/json or an infrastructure file. */
export interface ConfigOption {
  id: string;
  /** Workspace-relative path for display. */
  label: string;
  kind: 'authdebug' | 'infrastructure';
  /** Set when the file could not be read: names file, line and key. */
  error: string | undefined;
  warnings: string[];
}

/** Everything the sidebar's pickers show. */
export interface SimulatorConfigState {
  configs: ConfigOption[];
  authorizers: AuthorizerOption[];
  routes: RouteOption[];
  /** True until the first workspace scan finishes. */
  scanning: boolean;
}

/** Claim edits the what-if editor applies before re-running the decision. */
export interface WhatIf {
  addGroups: string[];
  addScopes: string[];
  /** claim name -> new value (text; JSON values allowed). */
  setClaims: Array<{ name: string; value: string }>;
}

/** A simulation request from the sidebar. */
export interface SimulateRequest {
  token: string;
  configId: string;
  /** "METHOD /path" as typed or picked. */
  request: string;
  /** Override the route's authorizer (name), or undefined for the route's own. */
  authorizer: string | undefined;
  whatIf: WhatIf | undefined;
}

/** The route a simulation matched, as the result card names it. */
export interface MatchedRouteView {
  route: string;
  api: string | undefined;
}

/** The simulator's result as the result card renders it. */
export interface SimulationView {
  decision: SimulationResult['decision'];
  status: number;
  body: string | undefined;
  headers: Array<{ name: string; value: string }>;
  authorizer: AuthorizerInfo | undefined;
  route: MatchedRouteView | undefined;
  trace: TraceStep[];
  /** Pretty JSON of what the backend receives, or undefined when nothing reaches it. */
  backendContext: string | undefined;
  /** Claims were edited by the what-if editor: the signature check was skipped. */
  edited: boolean;
  networkAllowed: boolean;
  /** Milliseconds the simulation took in the host. */
  elapsedMs: number;
}

export type HostToSimulator =
  | { type: 'config'; state: SimulatorConfigState; trust: TrustInfo }
  | { type: 'token'; token: string }
  | { type: 'busy' }
  | { type: 'result'; result: SimulationView }
  | { type: 'failed'; message: string };

export type SimulatorToHost =
  | { type: 'ready' }
  | { type: 'simulate'; request: SimulateRequest }
  | { type: 'createSampleConfig' }
  | { type: 'openConfig'; configId: string; line: number | undefined }
  | { type: 'inspect'; token: string }
  | { type: 'rescan' };

/** Longest text a webview may send (a header block with a few tokens). */
export const MAX_MESSAGE_TEXT = 256 * 1024;

export type {
  AuthorizerInfo,
  AuthorizerType,
  Check,
  CheckStatus,
  ClaimInfo,
  JsonObject,
  RouteAuthorizerType,
  TimeInfo,
  TokenKind,
  TraceStatus,
  TraceStep,
  Warning,
};
