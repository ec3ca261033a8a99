// The pure half of the local gateway in VS Code (no vscode import, unit-tested): the target and port the user
// gave, and the live request log the "Gateway Requests" tree shows. Rows are plain data without tokens; the
// headers needed to reopen a request as a simulation are held apart, in memory only, and dropped with their row.
import type { GatewayTarget } from '../cli/gatewayServer.ts';
import type { GatewayLogEntry, GatewayRequest } from '../core/gateway/decide.ts';
import type { HeaderField } from '../core/gateway/headers.ts';
import { ACCESS_TOKEN_HEADER, headerBlock, without, withoutHopByHop } from '../core/gateway/headers.ts';
import { redactText } from '../core/redact.ts';
import { visibleText } from '../core/textSafety.ts';

/** Rows kept; the oldest go first. */
export const MAX_GATEWAY_ROWS = 200;
export const DEFAULT_GATEWAY_PORT = 8787;
/** What the target input box offers when the setting is empty. */
export const DEFAULT_TARGET_PROMPT = 'http://127.0.0.1:3000';
/**
 * Header bytes kept per request to reopen it (Node refuses requests with more than 16 KiB of headers, so this
 * only bounds the worst case: 200 rows x 64 KiB).
 */
export const MAX_KEPT_HEADER_BYTES = 64 * 1024;
/** Longest path shown in a row (the tooltip says it was cut). */
const MAX_SHOWN_PATH = 200;

export type GatewayVerdict = 'ALLOW' | 'DENY' | 'FORWARDED';

/** One request as the tree (and the extension's test API) shows it: never a token. */
export interface GatewayRequestRow {
  id: number;
  /** Epoch milliseconds when the client got its answer. */
  at: number;
  method: string;
  /** Without the query string (a query may carry a token), tokens in it redacted. */
  path: string;
  decision: GatewayLogEntry['decision'];
  /** ALLOW, DENY, or FORWARDED (denied by the backend's own rules, which the gateway lets the backend apply). */
  verdict: GatewayVerdict;
  status: number;
  decidedBy: GatewayLogEntry['decidedBy'];
  /** The deciding step in one sentence. */
  reason: string;
  route: string | null;
  forwarded: boolean;
  problem?: string;
  /** Whether the request can be reopened as a full simulation (its headers are held). */
  openable: boolean;
}

/** What `authDebugger.openSimulator` receives for a row (the shape the .http CodeLens passes too). */
export interface GatewaySimulatorArgument {
  /** The request's header block ("name: value" lines), what the gateway itself simulated. */
  token: string;
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  headers: { name: string; value: string }[];
  configId: string;
}

interface HeldRequest {
  fields: HeaderField[];
  target: string;
  /** The configuration the gateway enforced when it answered (a later start may use another). */
  configId: string;
}

/** The verdict word the CLI's log line uses, for the same entry. */
export function gatewayVerdict(entry: Pick<GatewayLogEntry, 'decision' | 'forwarded'>): GatewayVerdict {
  if (entry.decision === 'allow') return 'ALLOW';
  return entry.forwarded ? 'FORWARDED' : 'DENY';
}

/** Text from a request or the simulator, safe to show: tokens redacted, hidden characters made visible. */
function shown(text: string, max = 1000): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return visibleText(redactText(cut));
}

/** The headers the gateway simulated for a request (hop-by-hop ones and the gateway's own access-token header out). */
function simulatedFields(request: GatewayRequest): HeaderField[] | undefined {
  const fields = without(withoutHopByHop(request.headers), [ACCESS_TOKEN_HEADER]);
  let bytes = 0;
  for (const [name, value] of fields) bytes += name.length + value.length + 3;
  return bytes > MAX_KEPT_HEADER_BYTES ? undefined : fields;
}

/** The newest requests first, capped; the held headers go with their row. */
export class GatewayRequestLog {
  private list: GatewayRequestRow[] = [];
  private readonly held = new Map<number, HeldRequest>();
  private nextId = 1;
  private configId = '';

  constructor(private readonly cap = MAX_GATEWAY_ROWS) {}

  /** The configuration the running gateway simulates with (the Simulator opens rows with it). */
  useConfig(configId: string): void {
    this.configId = configId;
  }

  add(entry: GatewayLogEntry, request: GatewayRequest, at: number): GatewayRequestRow {
    const id = this.nextId++;
    const fields = simulatedFields(request);
    const row: GatewayRequestRow = {
      id,
      at,
      method: entry.method,
      // Redacted when stored: the rows reach the tree and the test API, and a client may put a token in a path.
      path: redactText(entry.path),
      decision: entry.decision,
      verdict: gatewayVerdict(entry),
      status: entry.status,
      decidedBy: entry.decidedBy,
      reason: redactText(entry.reason),
      route: entry.route,
      forwarded: entry.forwarded,
      openable: fields !== undefined && request.target.startsWith('/'),
    };
    if (entry.problem !== undefined) row.problem = redactText(entry.problem);
    if (row.openable && fields !== undefined)
      this.held.set(id, { fields, target: request.target, configId: this.configId });
    this.list.unshift(row);
    while (this.list.length > this.cap) {
      const dropped = this.list.pop();
      if (dropped !== undefined) this.held.delete(dropped.id);
    }
    return row;
  }

  /** Newest first (a copy: callers cannot reorder the log). */
  rows(): GatewayRequestRow[] {
    return [...this.list];
  }

  get size(): number {
    return this.list.length;
  }

  /** How many requests have their headers held (bounded by the row cap). */
  get heldCount(): number {
    return this.held.size;
  }

  row(id: number): GatewayRequestRow | undefined {
    return this.list.find((row) => row.id === id);
  }

  /** The argument that reopens a row in the Simulator, or undefined when its headers are not held. */
  simulatorArgument(id: number): GatewaySimulatorArgument | undefined {
    const row = this.row(id);
    const held = this.held.get(id);
    if (row === undefined || held === undefined) return undefined;
    return {
      token: headerBlock(held.fields),
      method: row.method,
      path: held.target,
      headers: held.fields.map(([name, value]) => ({ name, value })),
      configId: held.configId,
    };
  }

  /** Forget every row and every held header. */
  clear(): void {
    this.list = [];
    this.held.clear();
  }
}

/** The row's label: method and path. */
export function rowLabel(row: GatewayRequestRow): string {
  return `${row.method} ${shown(row.path, MAX_SHOWN_PATH)}`;
}

/** The row's description: verdict, status and the step that decided. */
export function rowDescription(row: GatewayRequestRow): string {
  const problem = row.problem === undefined ? '' : ' ⚠';
  return `${row.verdict} ${row.status} · ${row.decidedBy}${problem}`;
}

/** The row's tooltip (plain text): the whole story of the request, tokens redacted. */
export function rowTooltip(row: GatewayRequestRow): string {
  const lines = [
    `${row.method} ${shown(row.path, 2000)}`,
    `${row.verdict} ${row.status}, decided by ${row.decidedBy}: ${shown(row.reason)}`,
    `Route: ${row.route === null ? 'none matched' : shown(row.route)}`,
  ];
  if (row.problem !== undefined) lines.push(`Target: ${shown(row.problem)}`);
  lines.push(`At ${new Date(row.at).toISOString()}`);
  lines.push(
    row.openable
      ? 'Click to open it as a full simulation in the Simulator.'
      : 'Its headers were too large to keep, so it cannot be reopened.',
  );
  return lines.join('\n');
}

export type TargetParse = { ok: true; target: GatewayTarget } | { ok: false; message: string };

function httpUrl(text: string, what: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${what} must be an http(s) URL, such as ${DEFAULT_TARGET_PROMPT}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `${what} must be an http(s) URL, such as ${DEFAULT_TARGET_PROMPT}`;
  if (url.search !== '' || url.hash !== '') return `${what} cannot have a query or fragment`;
  return url;
}

/**
 * The target as `authdbg gateway --target` reads it: an http(s) URL, or `lambda:URL` for a Lambda Invoke API
 * (`sam local start-lambda`), whose function is `functionName`.
 */
export function parseGatewayTarget(text: string, functionName?: string): TargetParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Give the target URL' };
  if (!trimmed.startsWith('lambda:')) {
    const url = httpUrl(trimmed, 'The target');
    return typeof url === 'string'
      ? { ok: false, message: url }
      : { ok: true, target: { kind: 'http', url } };
  }
  const url = httpUrl(trimmed.slice('lambda:'.length), 'The Invoke API after "lambda:"');
  if (typeof url === 'string') return { ok: false, message: url };
  const name = functionName?.trim() ?? '';
  return {
    ok: true,
    target: name === '' ? { kind: 'lambda', url } : { kind: 'lambda', url, functionName: name },
  };
}

/** Whether the target is a Lambda Invoke API (then the function name is asked for). */
export function isLambdaTarget(text: string): boolean {
  return text.trim().startsWith('lambda:');
}

/** The port setting, validated: an integer 0..65535 (0 picks a free port), else the default. */
export function gatewayPort(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535
    ? value
    : DEFAULT_GATEWAY_PORT;
}

/** The target in one line, for the status bar's tooltip and the log. */
export function describeTarget(target: GatewayTarget): string {
  const base = target.url.toString().replace(/\/$/, '');
  if (target.kind === 'http') return base;
  return `Lambda ${target.functionName ?? '(no function)'} via the Invoke API at ${base}`;
}
