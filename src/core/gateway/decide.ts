// One request through the local gateway, as data: match the route, play the ALB's session step for ALB routes,
// run the simulator on the real request (the same `simulate` as `authdbg simulate`), and say what to do: answer
// AWS's reply, or forward to the target with the headers AWS adds. No sockets here (src/cli/gatewayServer.ts).
import type { ApiKind, AuthorizerConfig, SimConfig } from '../config/model.ts';
import { simulationReason } from '../explain/verdict.ts';
import { redactText } from '../redact.ts';
import type { VerifyDeps } from '../keys/types.ts';
import type { HttpReply } from '../simulate/awsResponses.ts';
import type {
  DecidedBy,
  SimulationRequest,
  SimulationResult,
  TraceStep,
  UserKeyUrls,
} from '../simulate/result.ts';
import { step } from '../simulate/result.ts';
import { matchRoute, parseRequestLine } from '../simulate/routeMatch.ts';
import { simulate } from '../simulate/simulate.ts';
import type { VerifyContext } from '../simulate/tokenChecks.ts';
import type { AlbDataSigner } from './albData.ts';
import { albDataHeader, userinfoClaims } from './albData.ts';
import type { FoundSession } from './albSession.ts';
import { findAlbSession, verifyAlbSession } from './albSession.ts';
import type { HeaderField } from './headers.ts';
import {
  ACCESS_TOKEN_HEADER,
  ALB_OWN_HEADERS,
  headerBlock,
  headerValues,
  without,
  withoutHopByHop,
} from './headers.ts';

/** A request as the gateway received it. */
export interface GatewayRequest {
  method: string;
  /** Path and query as sent (`/orders/42?x=1`). */
  target: string;
  headers: readonly HeaderField[];
  remoteAddress?: string | undefined;
}

/** What stays the same across requests: the prepared configuration, keys, the local ALB signer. */
export interface GatewayContext {
  /** From prepareGatewayConfig: ALB authorizers verify blobs against the gateway's key endpoint. */
  config: SimConfig;
  /** The shared key store (cached like `simulate`'s), answering for the gateway's own ALB key. */
  deps: VerifyDeps;
  signer: AlbDataSigner;
  keyUrls?: UserKeyUrls | undefined;
}

/** The ALB session step, for the log and the trace (never the token itself). */
export interface SessionSummary {
  from: FoundSession['from'] | 'none';
  valid: boolean;
  /** The failed check's id when the session was refused. */
  failed?: string;
}

/** Denials the backend itself decides (its RBAC, its blob check): the gateway forwards and lets it decide. */
const BACKEND_DECIDES: readonly DecidedBy[] = ['rbac', 'backend-verification'];

interface DecisionBase {
  /** The simulated request (header block = the request's headers): what buildBackendEvent reads. */
  request: SimulationRequest;
  result: SimulationResult;
  apiKind: ApiKind;
  session?: SessionSummary;
}

export type GatewayDecision =
  | (DecisionBase & { action: 'respond'; reply: HttpReply })
  | (DecisionBase & {
      action: 'forward';
      /** The client's headers (hop-by-hop and AWS-only ones removed) plus what AWS adds (x-amzn-oidc-*). */
      headers: HeaderField[];
      /** Set when the simulation predicts the backend refuses (its RBAC rules): forwarded all the same. */
      backendDecides?: DecidedBy;
      /**
       * Headers the front door sets on the target's response (an HTTP API's CorsConfiguration headers): they
       * replace the target's own of the same name, as API Gateway ignores an integration's CORS headers.
       */
      responseHeaders: HeaderField[];
    });

/** The configuration the gateway simulates with: every ALB authorizer's key endpoint is the gateway's own. */
export function prepareGatewayConfig(config: SimConfig, albKeyBaseUrl: string): SimConfig {
  const authorizers: Record<string, AuthorizerConfig> = Object.create(null) as Record<
    string,
    AuthorizerConfig
  >;
  for (const [name, auth] of Object.entries(config.authorizers)) {
    authorizers[name] = auth.type === 'alb' ? { ...auth, keyUrl: albKeyBaseUrl } : auth;
  }
  return { ...config, authorizers };
}

/** ALB authorizers that routes use but that name no IdP: their sessions cannot be verified (said at start). */
export function albAuthorizersWithoutIdp(config: SimConfig): string[] {
  const used = new Set(config.routes.map((r) => r.authorizer).filter((n): n is string => n !== null));
  return Object.values(config.authorizers)
    .filter((a) => a.type === 'alb' && used.has(a.name) && a.issuer === undefined)
    .map((a) => a.name);
}

function albAuthorizerOf(
  config: SimConfig,
  method: string,
  path: string,
): { kind: ApiKind; auth?: AuthorizerConfig } {
  const match = matchRoute(config, method, path);
  if (!match.ok) return { kind: match.apiKind };
  const name = match.route.authorizer;
  const auth =
    name !== null && Object.hasOwn(config.authorizers, name) ? config.authorizers[name] : undefined;
  return auth?.type === 'alb' ? { kind: match.apiKind, auth } : { kind: match.apiKind };
}

interface AlbStep {
  /** Header fields to add to the simulated request (the minted blob, the access token). */
  added: HeaderField[];
  trace: TraceStep[];
  session: SessionSummary;
}

/** The ALB's authenticate step: verify the session, then mint x-amzn-oidc-data as the ALB would sign it. */
async function albSessionStep(
  auth: AuthorizerConfig,
  fields: readonly HeaderField[],
  ctx: VerifyContext,
  signer: AlbDataSigner,
): Promise<AlbStep> {
  const session = findAlbSession(fields);
  if (session === undefined) {
    return {
      added: [],
      trace: [
        step(
          'alb-session',
          'info',
          'no session: no AWSELBAuthSessionCookie cookie and no Authorization: Bearer token',
        ),
      ],
      session: { from: 'none', valid: false },
    };
  }
  const verdict = await verifyAlbSession(auth, session, ctx);
  const exp = verdict.exp;
  // An expired session is minted anyway (with its past exp): the simulator then takes the ALB's expired-session path.
  if ((verdict.ok || verdict.expiredOnly) && exp !== undefined && auth.issuer !== undefined) {
    const header = albDataHeader(signer, {
      issuer: auth.issuer,
      clientId: auth.clientId,
      albArn: auth.albArn,
      exp,
    });
    const blob = signer.sign(header, userinfoClaims(verdict.claims, auth.issuer, exp));
    const added: HeaderField[] = [['x-amzn-oidc-data', blob]];
    const accessToken = headerValues(fields, ACCESS_TOKEN_HEADER)[0];
    if (accessToken !== undefined && accessToken.trim() !== '')
      added.push(['x-amzn-oidc-accesstoken', accessToken.trim()]);
    const trace = [...verdict.trace];
    if (verdict.ok) {
      trace.push(
        step(
          'alb-session',
          'info',
          `x-amzn-oidc-data signed with the gateway's ES256 key ${signer.kid} (the user's claims as userinfo returns them; no cognito:groups)`,
        ),
      );
    }
    return {
      added,
      trace,
      session: { from: session.from, valid: verdict.ok, ...(verdict.ok ? {} : { failed: 'exp' }) },
    };
  }
  const failed = verdict.ok ? 'exp' : verdict.failed.id;
  return { added: [], trace: verdict.trace, session: { from: session.from, valid: false, failed } };
}

/** The ALB's x-amzn-oidc-* headers from the simulator's backend context (the access token only when known). */
function albAddedHeaders(result: SimulationResult, given: readonly HeaderField[]): HeaderField[] {
  const headers = result.backendContext?.headers;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return [];
  const accessKnown = given.some(([name]) => name === 'x-amzn-oidc-accesstoken');
  const out: HeaderField[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') continue;
    if (name === 'x-amzn-oidc-accesstoken' && !accessKnown) continue;
    out.push([name, value]);
  }
  return out;
}

/** Decide one request. Never throws for anything the client sends; the result is data. */
export async function decideGatewayRequest(
  request: GatewayRequest,
  context: GatewayContext,
  now: number,
): Promise<GatewayDecision> {
  const { config, deps, signer, keyUrls } = context;
  const route = `${request.method.toUpperCase()} ${request.target}`;
  const clientFields = withoutHopByHop(request.headers);
  const line = parseRequestLine(route);
  const found = line.ok
    ? albAuthorizerOf(config, line.method, line.path)
    : { kind: config.api.kind ?? 'rest' };
  const apiKind: ApiKind = found.kind;
  // On ALB routes the x-amzn-oidc-* headers are the load balancer's: a client's own copies never get through.
  let fields = apiKind === 'alb' ? without(clientFields, ALB_OWN_HEADERS) : clientFields;
  fields = without(fields, [ACCESS_TOKEN_HEADER]);
  let sessionTrace: TraceStep[] = [];
  let session: SessionSummary | undefined;
  let simulated = fields;
  if (found.auth !== undefined) {
    const ctx: VerifyContext = {
      now,
      clockSkewSeconds: config.defaults.clockSkewSeconds,
      signatureSkipped: false,
      deps,
      keyUrls,
    };
    const alb = await albSessionStep(found.auth, without(clientFields, ALB_OWN_HEADERS), ctx, signer);
    sessionTrace = alb.trace;
    session = alb.session;
    simulated = [...fields, ...alb.added];
  }
  const simulation: SimulationRequest = { config, route };
  if (simulated.length > 0) simulation.token = headerBlock(simulated);
  if (request.remoteAddress !== undefined)
    simulation.contextValues = { 'identity.sourceIp': request.remoteAddress };
  const simulatedResult = await simulate(
    simulation,
    keyUrls === undefined ? { now } : { now, keyUrls },
    deps,
  );
  const result: SimulationResult =
    sessionTrace.length === 0
      ? simulatedResult
      : { ...simulatedResult, trace: [...sessionTrace, ...simulatedResult.trace] };
  const base: DecisionBase = { request: simulation, result, apiKind };
  if (session !== undefined) base.session = session;
  const backendDecides = result.decision === 'deny' && BACKEND_DECIDES.includes(result.decidedBy);
  // An HTTP API's CorsConfiguration answers a preflight itself: an "allow" that never reaches the target.
  const answeredByApi = result.decidedBy === 'cors';
  if ((result.decision === 'allow' && !answeredByApi) || backendDecides) {
    const headers = apiKind === 'alb' ? [...fields, ...albAddedHeaders(result, simulated)] : fields;
    const responseHeaders: HeaderField[] =
      result.decision === 'allow' ? Object.entries(result.headers).map(([name, value]) => [name, value]) : [];
    return backendDecides
      ? { ...base, action: 'forward', headers, responseHeaders, backendDecides: result.decidedBy }
      : { ...base, action: 'forward', headers, responseHeaders };
  }
  return {
    ...base,
    action: 'respond',
    reply: { status: result.status, body: result.body, headers: result.headers },
  };
}

/** One line of the request log, as data (the CLI prints it as text or JSON); never a token. */
export interface GatewayLogEntry {
  method: string;
  /** The path without its query string (a query may carry a token). */
  path: string;
  decision: 'allow' | 'deny';
  /** What the client received: AWS's reply, or the target's status. */
  status: number;
  decidedBy: DecidedBy;
  /** The deciding step in one sentence (deny), or where the request went (allow). */
  reason: string;
  route: string | null;
  forwarded: boolean;
  session?: SessionSummary;
  /** Set when the target did not answer usefully. */
  problem?: string;
}

export function logEntry(
  request: GatewayRequest,
  decision: GatewayDecision,
  status: number,
  problem?: string,
): GatewayLogEntry {
  const { result } = decision;
  const query = request.target.indexOf('?');
  const entry: GatewayLogEntry = {
    method: request.method.toUpperCase(),
    // A token in the path itself (`/callback/eyJ...`) is redacted too: the log is printed and kept.
    path: redactText(query === -1 ? request.target : request.target.slice(0, query)),
    decision: result.decision,
    status,
    decidedBy: result.decidedBy,
    reason:
      decision.action === 'forward'
        ? decision.backendDecides !== undefined
          ? `forwarded; the configuration's ${decision.backendDecides} rules predict the backend refuses: ${simulationReason(result).reason}`
          : 'forwarded to the target'
        : simulationReason(result).reason,
    route: result.route?.route ?? null,
    forwarded: decision.action === 'forward',
  };
  if (decision.session !== undefined) entry.session = decision.session;
  if (problem !== undefined) entry.problem = problem;
  return entry;
}
