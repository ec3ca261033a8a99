// The one typed protocol between the extension host and its webviews; both sides import it with `import type`.
// Facts the core already names (token kinds, check and trace statuses, authorizer types) are reused from the
// core, never redeclared as `string`, so a new status or type fails to compile where a view does not handle it.
import type { Check, CheckStatus, Warning } from '../core/findings.ts';
import type { AuthorizerType, RouteAuthorizerType } from '../core/config/model.ts';
import type { AuthorizerInfo, SimulationResult, TraceStatus, TraceStep } from '../core/simulate/result.ts';
import type { ClaimInfo, JsonObject, JsonValue, TimeInfo, TokenKind, TokenReport } from '../core/types.ts';
import type { TokenVerdictText } from '../core/explain/verdict.ts';

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
  /** The verdict naming every failed check (the core's tokenVerdict): the section's first line. */
  verdict: TokenVerdictText;
}

/** "Compare with…": one token of the Inspector beside a second one the user pasted. */
export type InspectorComparison =
  | {
      ok: true;
      /** Which of the Inspector's tokens is side A. */
      index: number;
      /** The pasted token's signature-redacted form (header.payload.<redacted>), to say which token B is. */
      otherRedacted: string;
      kinds: { a: TokenKind; b: TokenKind };
      /** The core's diffTokens, values as shown (credential-named claims and embedded JWTs redacted). */
      differences: Array<{ claim: string; a?: JsonValue; b?: JsonValue }>;
      /** The claims equal in both, with their (shown) value. */
      same: Array<{ claim: string; value?: JsonValue }>;
    }
  | { ok: false; index: number; message: string };

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
  /** "METHOD /path" of the request the input came with (a .http block, a pasted request): "Simulate" takes it. */
  request: string | undefined;
}

export type InputSource =
  'selection' | 'clipboard' | 'input box' | 'editor' | 'simulator' | 'argument' | 'sign-in';

export type HostToInspector =
  | { type: 'render'; state: InspectorState }
  | { type: 'busy'; message: string }
  | { type: 'failed'; message: string; trust: TrustInfo }
  | { type: 'notice'; message: string }
  /** The current comparison, or undefined when there is none (new input clears it). */
  | { type: 'comparison'; comparison: InspectorComparison | undefined };

export type InspectorToHost =
  | { type: 'ready' }
  | { type: 'verifyAgain' }
  | { type: 'reloadKeys' }
  | { type: 'copy'; text: string }
  | { type: 'simulate'; index: number }
  /** Compare token `index` with the pasted `text` (a token or header, parsed like Decode Token's input). */
  | { type: 'compare'; index: number; text: string };

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
  /** The deciding step in one sentence (the core's simulationReason), the card's first line under the verdict. */
  reason: string;
  /** What would make the request pass, when the core knows; undefined on allow. */
  fix: string | undefined;
  /** "Copy event" copies the full backend event (the core's buildBackendEvent), else only `backendContext`. */
  fullEvent: boolean;
}

/**
 * The simulator's form as the user left it. Held in the extension host's memory only (never on disk, never in
 * webview state) so that hiding and showing the view, which destroys and reloads the webview, loses nothing.
 */
export interface SimulatorForm {
  token: string;
  configId: string;
  routeId: string;
  request: string;
  /** Authorizer name, or "" for the route's own. */
  authorizer: string;
  /** The what-if fields as typed. */
  addGroups: string;
  addScopes: string;
  setClaims: string;
}

/** One recent simulation in the view's history (memory only); the token appears only redacted. */
export interface SimulationHistoryItem {
  id: number;
  /** header.payload.<redacted> (shortened) or a short hash; never the signature. */
  tokenRedacted: string;
  request: string;
  decision: SimulationView['decision'];
  status: number;
  /** Epoch milliseconds. */
  at: number;
}

export type HostToSimulator =
  | { type: 'config'; state: SimulatorConfigState; trust: TrustInfo }
  | {
      type: 'token';
      token: string;
      /** "METHOD /path" of the request the token belongs to (a .http block, a pasted request), when known. */
      request?: string;
    }
  | { type: 'busy' }
  | { type: 'result'; result: SimulationView }
  | { type: 'failed'; message: string }
  /** The form and result the user left (sent once the reloaded view is ready, or when a history entry is picked). */
  | { type: 'restore'; form: SimulatorForm; result: SimulationView | undefined }
  /** The recent simulations, newest first. */
  | { type: 'history'; items: SimulationHistoryItem[] }
  /** A short confirmation ("Copied the full event"). */
  | { type: 'notice'; message: string };

export type SimulatorToHost =
  | { type: 'ready' }
  | { type: 'simulate'; request: SimulateRequest }
  | { type: 'createSampleConfig' }
  | { type: 'openConfig'; configId: string; line: number | undefined }
  | { type: 'inspect'; token: string }
  | { type: 'rescan' }
  /** The form changed: the host keeps it in memory for the next time the view is shown. */
  | { type: 'form'; form: SimulatorForm }
  /** Copy what the backend receives for the result on screen (the full event when the core can build it). */
  | { type: 'copyEvent' }
  /** Restore one entry of the history. */
  | { type: 'pickHistory'; id: number };

/** Longest text a webview may send (a header block with a few tokens). */
export const MAX_MESSAGE_TEXT = 256 * 1024;

export type {
  AuthorizerInfo,
  AuthorizerType,
  Check,
  CheckStatus,
  ClaimInfo,
  JsonObject,
  JsonValue,
  RouteAuthorizerType,
  TokenVerdictText,
  TimeInfo,
  TokenKind,
  TraceStatus,
  TraceStep,
  Warning,
};
