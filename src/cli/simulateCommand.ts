// `authdbg simulate`: what API Gateway or the ALB would answer for a route and a token; exit 0 allow, 1 deny, 2 usage.
import { simulationReason } from '../core/explain/verdict.ts';
import { loadConfig } from '../core/iac/loadConfig.ts';
import type { SimConfig } from '../core/config/model.ts';
import type {
  SimulationOptions,
  SimulationRequest,
  SimulationResult,
  TraceStatus,
  WhatIfEdits,
} from '../core/simulate/result.ts';
import { parseRequestLine } from '../core/simulate/routeMatch.ts';
import { simulate } from '../core/simulate/simulate.ts';
import { numberOption, optionValue, parseArgs } from './args.ts';
import { readCappedText } from './fileRead.ts';
import { escapeForTerminal } from '../core/textSafety.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';

const SPEC = {
  config: { value: true },
  route: { value: true },
  authorizer: { value: true },
  now: { value: true },
  json: { value: false },
  set: { value: true, repeat: true },
  'add-group': { value: true, repeat: true },
  'add-scope': { value: true, repeat: true },
  'cached-from': { value: true },
  'stage-var': { value: true, repeat: true },
  'context-var': { value: true, repeat: true },
  'timeout-ms': { value: true },
  jwks: { value: true },
  help: { value: false },
} as const;

/** Help text for `authdbg simulate --help` and `authdbg help simulate`. */
export const SIMULATE_USAGE = `usage: authdbg simulate --config FILE --route "METHOD /path" [TOKEN|-] [options]
  FILE is authdebug.yaml / authdebug.json, or a SAM, CloudFormation or OpenAPI file.
  TOKEN is anything inspect accepts (a token, "Bearer <jwt>", a header block); "-" reads standard input;
  without TOKEN the request carries no identity.
  --authorizer NAME       use this authorizer instead of the route's
  --now EPOCH             evaluate times at this instant (seconds)
  --set CLAIM=VALUE       what-if: set a claim (repeatable; JSON values are parsed)
  --add-group G           what-if: add a group to cognito:groups (repeatable)
  --add-scope S           what-if: add a scope (repeatable)
  --cached-from "M /path" Lambda cache replay: the request that filled the authorizer cache first
  --stage-var NAME=VALUE  a stage variable, for $stageVariables.NAME identity sources (repeatable)
  --context-var NAME=VALUE  a $context value, e.g. identity.sourceIp=203.0.113.7 (repeatable; routeKey,
                          httpMethod, path, stage, resourcePath are derived from the route)
  A query string in --route ("GET /pets?tenant=acme") feeds $request.querystring.NAME identity sources;
  headers other than the token's (e.g. X-Tenant) are given in a header block as TOKEN.
  --timeout-ms N          key fetch timeout (1000..30000, default 5000)
  --jwks URL              key URL (JWKS) for the authorizer's issuer; only Cognito issuers derive one
  --json                  machine-readable result
exit status: 0 allowed, 1 denied, 2 usage or configuration error`;

/** Read and validate --config, turning every problem into one usage error. */
export async function readConfigOption(file: string | undefined, io: CliIo): Promise<SimConfig> {
  if (file === undefined)
    throw new UsageError('--config FILE is required (authdebug.yaml, or a SAM/CloudFormation/OpenAPI file)');
  const text = await readCappedText(io, file, 'config', '--config');
  const loaded = loadConfig(file, text);
  if (!loaded.ok) {
    if (loaded.errors.length === 1)
      throw new UsageError(loaded.errors[0] ?? `${file}: unusable configuration`);
    for (const error of loaded.errors) io.stderr(`${escapeForTerminal(error)}\n`);
    throw new UsageError(`${file}: ${loaded.errors.length} configuration errors`);
  }
  return loaded.config;
}

/** NAME=VALUE options (repeatable) as a prototype-free record. */
export function namedValues(
  args: ReturnType<typeof parseArgs>,
  option: string,
): Record<string, string> | undefined {
  const items = args.options.get(option) ?? [];
  if (items.length === 0) return undefined;
  const values: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`--${option} takes NAME=VALUE (got ${JSON.stringify(item.slice(0, 60))})`);
    Object.defineProperty(values, item.slice(0, eq), {
      value: item.slice(eq + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return values;
}

function whatIfFromArgs(args: ReturnType<typeof parseArgs>): WhatIfEdits | undefined {
  const set: Record<string, string> = {};
  for (const item of args.options.get('set') ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set takes CLAIM=VALUE (got ${JSON.stringify(item.slice(0, 60))})`);
    Object.defineProperty(set, item.slice(0, eq), {
      value: item.slice(eq + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const addGroups = args.options.get('add-group') ?? [];
  const addScopes = args.options.get('add-scope') ?? [];
  if (Object.keys(set).length === 0 && addGroups.length === 0 && addScopes.length === 0) return undefined;
  return { set, addGroups, addScopes };
}

const MARKS: Record<TraceStatus, string> = { pass: '✓', fail: '✗', warn: '!', info: '·', skip: '-' };

/** The result card, trace and backend context as the terminal shows them. */
export function renderSimulation(result: SimulationResult): string {
  const lines: string[] = [];
  const verdict = result.decision === 'allow' ? 'ALLOW' : 'DENY';
  lines.push(
    `${verdict}  ${result.status}${result.decision === 'allow' ? (result.decidedBy === 'cors' ? ' (preflight answered by API Gateway)' : ' (forwarded to the backend)') : ''}`,
  );
  // The reason on the next line, before the card and the trace.
  const why = simulationReason(result);
  lines.push(`Why:        ${escapeForTerminal(why.reason)}`);
  if (why.fix !== undefined) lines.push(`To pass:    ${escapeForTerminal(why.fix)}`);
  if (result.route) {
    const params = Object.entries(result.route.params);
    lines.push(
      `Route:      ${escapeForTerminal(result.route.route)} (${result.route.apiKind}${result.route.api ? `, ${escapeForTerminal(result.route.api)}` : ''})${
        params.length
          ? `  ${params.map(([k, v]) => `${escapeForTerminal(k)}=${escapeForTerminal(v)}`).join(' ')}`
          : ''
      }`,
    );
  } else lines.push('Route:      (no match)');
  if (result.authorizer) {
    lines.push(
      `Authorizer: ${result.authorizer.name === null ? result.authorizer.type : `${escapeForTerminal(result.authorizer.name)} (${result.authorizer.type})`}`,
    );
  }
  lines.push(`Decided by: ${result.decidedBy}`);
  if (result.cors) {
    // A browser may hide the status behind a CORS error: say so next to the decision, not in the trace only.
    const seen =
      result.cors.browser === 'blocked'
        ? `CORS error (the page never sees ${result.status})`
        : result.cors.browser === 'backend'
          ? 'depends on the CORS headers the backend returns'
          : 'sees the response';
    lines.push(`Browser:    ${seen}: ${escapeForTerminal(result.cors.message)}`);
  }
  if (result.whatIf) {
    lines.push(
      `What-if:    claims edited (${escapeForTerminal(result.whatIf.edits.join('; '))}); signature check skipped`,
    );
  }
  if (result.decision === 'deny' || result.body !== '' || Object.keys(result.headers).length > 0) {
    lines.push('', 'Response');
    lines.push(`  status: ${result.status}`);
    for (const [name, value] of Object.entries(result.headers))
      lines.push(`  ${escapeForTerminal(name)}: ${escapeForTerminal(value)}`);
    if (result.body !== '') lines.push(`  body: ${escapeForTerminal(result.body)}`);
  }
  lines.push('', 'Trace');
  const steps = result.trace.map((t) => escapeForTerminal(t.step));
  const width = Math.min(18, Math.max(...steps.map((step) => step.length)));
  result.trace.forEach((t, i) =>
    lines.push(`  ${MARKS[t.status]} ${(steps[i] ?? '').padEnd(width)}  ${escapeForTerminal(t.message)}`),
  );
  lines.push('', 'Backend receives');
  if (result.backendContext === null) lines.push('  nothing: the request does not reach the backend');
  else {
    // JSON text is one record per line already; the writer escapes what JSON.stringify leaves raw.
    for (const line of JSON.stringify(result.backendContext, null, 2).split('\n')) lines.push(`  ${line}`);
  }
  return lines.join('\n');
}

/**
 * The request and options every command that simulates reads the same way (simulate, event): --route, --config,
 * --authorizer, TOKEN or "-", --now, --stage-var, --context-var, --jwks. One reading, one set of messages.
 */
export async function simulationFromArgs(
  args: ReturnType<typeof parseArgs>,
  io: CliIo,
): Promise<{ request: SimulationRequest; options: SimulationOptions; now: number }> {
  const routeText = optionValue(args, 'route');
  if (routeText === undefined) throw new UsageError('--route "METHOD /path" is required');
  const line = parseRequestLine(routeText);
  if (!line.ok) throw new UsageError(`--route ${line.message}`);
  const config = await readConfigOption(optionValue(args, 'config'), io);
  const authorizer = optionValue(args, 'authorizer');
  if (
    authorizer !== undefined &&
    authorizer !== 'none' &&
    authorizer !== 'iam' &&
    !Object.hasOwn(config.authorizers, authorizer)
  ) {
    const known = Object.keys(config.authorizers);
    throw new UsageError(
      `--authorizer ${authorizer} is not in ${config.file} (known: ${known.length ? known.join(', ') : 'none'})`,
    );
  }
  const positional = args.positionals[0];
  const token = positional === undefined ? undefined : positional === '-' ? await io.readStdin() : positional;
  const now = numberOption(args, 'now', -1e10, 1e12) ?? io.nowMs() / 1000;
  const request: SimulationRequest = { config, route: routeText };
  if (token !== undefined) request.token = token;
  if (authorizer !== undefined) request.authorizer = authorizer;
  const stageVariables = namedValues(args, 'stage-var');
  if (stageVariables) request.stageVariables = stageVariables;
  const contextValues = namedValues(args, 'context-var');
  if (contextValues) request.contextValues = contextValues;
  const jwks = optionValue(args, 'jwks');
  return { request, options: jwks === undefined ? { now } : { now, keyUrls: { all: jwks } }, now };
}

/** Run `authdbg simulate`. */
export async function runSimulate(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${SIMULATE_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length > 1)
    throw new UsageError('simulate takes one TOKEN (quote it, or use - for stdin)');
  const cachedFrom = optionValue(args, 'cached-from');
  if (cachedFrom !== undefined) {
    const cached = parseRequestLine(cachedFrom);
    if (!cached.ok) throw new UsageError(`--cached-from ${cached.message}`);
  }
  const { request, options } = await simulationFromArgs(args, io);
  const whatIf = whatIfFromArgs(args);
  if (whatIf) request.whatIf = whatIf;
  if (cachedFrom !== undefined) request.cachedFrom = cachedFrom;
  const result = await simulate(request, options, { keys: io.keys });
  if (args.flags.has('json')) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(`${renderSimulation(result)}\n`);
  return result.decision === 'allow' ? EXIT.ok : EXIT.rejected;
}
