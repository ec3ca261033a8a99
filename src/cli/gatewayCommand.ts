// `authdbg gateway`: a local gateway that enforces the configured authorizers on real requests and forwards the
// allowed ones to a local target (an HTTP server, or a Lambda Invoke API such as `sam local start-lambda`).
import { albAuthorizersWithoutIdp } from '../core/gateway/decide.ts';
import type { GatewayLogEntry } from '../core/gateway/decide.ts';
import { isLoopbackHostname } from '../core/keys/keyUrls.ts';
import { optionValue, parseArgs } from './args.ts';
import type { ParsedArgs } from './args.ts';
import type { GatewayTarget } from './gatewayServer.ts';
import { startGateway } from './gatewayServer.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';
import { readConfigOption } from './simulateCommand.ts';

const SPEC = {
  config: { value: true },
  target: { value: true },
  port: { value: true },
  host: { value: true },
  json: { value: false },
  function: { value: true, repeat: true },
  payload: { value: true },
  jwks: { value: true },
  'timeout-ms': { value: true },
  'upstream-timeout-ms': { value: true },
  help: { value: false },
} as const;

/** Help text for `authdbg gateway --help` and `authdbg help gateway`. */
export const GATEWAY_USAGE = `usage: authdbg gateway --config FILE --target URL [--port 8787] [--host H] [--json] [options]
  Listens on 127.0.0.1 and runs every request through the route's authorizer exactly as \`simulate\` does
  (keys fetched and cached the same way). Denied: AWS's status, headers and body. Allowed: forwarded to URL.
  FILE is authdebug.yaml / authdebug.json, or a SAM, CloudFormation or OpenAPI file.
  --target URL            http(s)://host:port[/prefix]: an HTTP server (behind an ALB or an HTTP integration);
                          lambda:http://127.0.0.1:3001: a Lambda Invoke API (sam local start-lambda), called with
                          the exact event the route's integration sends (as \`authdbg event\` prints it)
  --function NAME         the Lambda function for every route (lambda target)
  --function "ROUTE=NAME" the function of one route, e.g. "GET /orders/{id}=OrdersFunction" (repeatable)
  --payload 1.0|2.0       HTTP API integration payload format for a lambda target (default 2.0)
  --port N                port to listen on (default 8787; 0 picks a free one, printed)
  --host H                interface to listen on (default 127.0.0.1); anything else exposes your backend
  --jwks URL              key URL (JWKS) for the authorizers' issuers, as in simulate
  --timeout-ms N          key fetch timeout (1000..30000, default 5000)
  --upstream-timeout-ms N how long the target may take to answer (1000..300000, default 29000, API Gateway's)
  --json                  one JSON object per line instead of text
  ALB routes: the session is the user's ID token, sent as "Authorization: Bearer <id token>" or in the
  AWSELBAuthSessionCookie cookie (or -0, -1, ... shards), verified against the alb authorizer's issuer and jwks.
  The target gets x-amzn-oidc-data signed with a key generated at start, served at the printed
  "alb key endpoint" (point the backend's ALB key URL there), x-amzn-oidc-identity, and
  x-amzn-oidc-accesstoken when the client sends the access token as X-Authdbg-Access-Token. A client's own
  x-amzn-oidc-* headers are removed.
Prints "listening on URL" when ready, then one line per request: method, path, decision, status, deciding
step. Ctrl-C (SIGINT) or SIGTERM stops it. Exit status: 0 after a clean stop, 2 usage or configuration error.`;

function integerOption(args: ParsedArgs, name: string, min: number, max: number, fallback: number): number {
  const raw = optionValue(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max)
    throw new UsageError(
      `--${name} must be an integer between ${min} and ${max} (got ${JSON.stringify(raw.slice(0, 40))})`,
    );
  return value;
}

function httpUrl(text: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${option} must be an http(s) URL (got ${JSON.stringify(text.slice(0, 80))})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${option} must be an http(s) URL (got ${JSON.stringify(text.slice(0, 80))})`);
  if (url.search !== '' || url.hash !== '') throw new UsageError(`${option} cannot have a query or fragment`);
  return url;
}

function targetFromArgs(args: ParsedArgs): GatewayTarget {
  const text = optionValue(args, 'target');
  if (text === undefined)
    throw new UsageError('--target URL is required (http://127.0.0.1:3000, or lambda:http://127.0.0.1:3001)');
  const functions = args.options.get('function') ?? [];
  const payload = optionValue(args, 'payload');
  if (payload !== undefined && payload !== '1.0' && payload !== '2.0')
    throw new UsageError(`--payload must be 1.0 or 2.0 (got ${JSON.stringify(payload.slice(0, 20))})`);
  if (!text.startsWith('lambda:')) {
    if (functions.length > 0 || payload !== undefined)
      throw new UsageError('--function and --payload apply to a lambda: target only');
    return { kind: 'http', url: httpUrl(text, '--target') };
  }
  const target: GatewayTarget = {
    kind: 'lambda',
    url: httpUrl(text.slice('lambda:'.length), '--target lambda:'),
  };
  // Without a function every request would be a 502: refuse at start instead.
  if (functions.length === 0)
    throw new UsageError(
      'a lambda: target needs --function NAME (with sam local start-lambda, the template\'s logical id) or --function "ROUTE=NAME"',
    );
  const perRoute: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const item of functions) {
    const eq = item.lastIndexOf('=');
    if (eq === -1) {
      if (target.functionName !== undefined) throw new UsageError('--function NAME given more than once');
      target.functionName = item;
    } else if (eq === 0 || eq === item.length - 1) {
      throw new UsageError(
        `--function takes NAME or "ROUTE=NAME" (got ${JSON.stringify(item.slice(0, 60))})`,
      );
    } else perRoute[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  if (Object.keys(perRoute).length > 0) target.functions = perRoute;
  if (payload !== undefined) target.payloadVersion = payload;
  return target;
}

/** One request as a terminal line: method, path, decision, status, deciding step. */
export function renderLogEntry(entry: GatewayLogEntry): string {
  const verdict = entry.decision === 'allow' ? 'ALLOW' : entry.forwarded ? 'FORWARDED' : 'DENY';
  const problem = entry.problem === undefined ? '' : ` [${entry.problem}]`;
  return `${entry.method} ${entry.path} ${verdict} ${entry.status} ${entry.decidedBy}: ${entry.reason}${problem}`;
}

/** Resolves on SIGINT or SIGTERM (Ctrl-C), the listeners removed again. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Run `authdbg gateway` until `stopped` resolves (default: SIGINT/SIGTERM). */
export async function runGateway(
  argv: string[],
  given: CliIo,
  stopped: () => Promise<unknown> = untilSignal,
): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${GATEWAY_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length > 0) throw new UsageError('gateway takes no positional arguments');
  const target = targetFromArgs(args);
  const port = integerOption(args, 'port', 0, 65535, 8787);
  const host = optionValue(args, 'host') ?? '127.0.0.1';
  if (host.trim() === '' || /[\s/]/.test(host))
    throw new UsageError('--host must be a host name or IP address');
  const upstreamTimeoutMs = integerOption(args, 'upstream-timeout-ms', 1000, 300_000, 29_000);
  const json = args.flags.has('json');
  const config = await readConfigOption(optionValue(args, 'config'), io);
  if (config.routes.length === 0) throw new UsageError(`${config.file} declares no routes`);
  const jwks = optionValue(args, 'jwks');
  const signal = stopped();
  const gateway = await startGateway(
    {
      config,
      target,
      port,
      host,
      upstreamTimeoutMs,
      ...(jwks === undefined ? {} : { keyUrls: { all: jwks } }),
      onRequest: (entry) => io.stdout(`${json ? JSON.stringify(entry) : renderLogEntry(entry)}\n`),
    },
    { keys: io.keys, nowMs: () => io.nowMs() },
  ).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot listen on ${host}:${port}${code === undefined ? '' : ` (${code})`}${code === 'EADDRINUSE' ? ': the port is taken; try --port 0' : ''}`,
    );
  });
  if (!isLoopbackHostname(host) && host !== '::1')
    io.stderr(
      `authdbg gateway: listening on ${host}, not loopback: other machines can reach your target through it\n`,
    );
  for (const name of albAuthorizersWithoutIdp(config)) {
    io.stderr(
      `authdbg gateway: ALB authorizer ${name} names no issuer: its sessions cannot be verified, so every request is unauthenticated (add issuer, and jwks unless it is a Cognito pool)\n`,
    );
  }
  if (json) {
    io.stdout(
      `${JSON.stringify({ listening: gateway.url, albKeyUrl: gateway.albKeyUrl ?? null, target: target.kind })}\n`,
    );
  } else {
    // The key endpoint first: "listening on" is the last start-up line, the one scripts wait for.
    if (gateway.albKeyUrl !== undefined) io.stdout(`alb key endpoint ${gateway.albKeyUrl}\n`);
    io.stdout(`listening on ${gateway.url}\n`);
  }
  await signal;
  await gateway.close();
  if (!json) io.stdout('stopped\n');
  return EXIT.ok;
}
