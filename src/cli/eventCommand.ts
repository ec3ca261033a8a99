// `authdbg event`: the complete event the backend receives for an allowed request (REST proxy, HTTP API 2.0/1.0,
// ALB target), as JSON for `sam local invoke -e` and unit tests; exit 0 allowed, 1 denied, 2 usage.
import { simulationReason } from '../core/explain/verdict.ts';
import { redactText } from '../core/redact.ts';
import { buildBackendEvent } from '../core/simulate/backendEvent.ts';
import type { BackendEventKind, BackendEventOptions } from '../core/simulate/backendEvent.ts';
import { simulate } from '../core/simulate/simulate.ts';
import { escapeForTerminal } from '../core/textSafety.ts';
import { optionValue, parseArgs } from './args.ts';
import { fileErrorText } from './fileRead.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';
import { simulationFromArgs } from './simulateCommand.ts';

const EVENT_NAMES: Record<BackendEventKind, string> = {
  'rest-proxy': 'REST API proxy event',
  'http-2.0': 'HTTP API event (payload 2.0)',
  'http-1.0': 'HTTP API event (payload 1.0)',
  'alb-target': 'ALB target event',
};

const SPEC = {
  config: { value: true },
  route: { value: true },
  authorizer: { value: true },
  payload: { value: true },
  out: { value: true },
  body: { value: true },
  'alb-multi-value': { value: false },
  unredacted: { value: false },
  now: { value: true },
  'stage-var': { value: true, repeat: true },
  'context-var': { value: true, repeat: true },
  'timeout-ms': { value: true },
  jwks: { value: true },
  help: { value: false },
} as const;

/** Help text for `authdbg event --help` and `authdbg help event`. */
export const EVENT_USAGE = `usage: authdbg event --config FILE --route "METHOD /path?query" [TOKEN|-] [options]
  Simulates the request as "authdbg simulate" does and, when it is allowed, prints the complete event the
  backend receives: the REST proxy event, the HTTP API event (payload 2.0 or 1.0) or the ALB Lambda target
  event, with requestContext.authorizer (or the ALB's x-amzn-oidc-* headers) as AWS shapes them.
  TOKEN is anything simulate accepts; a header block becomes the request's headers.
  --payload 1.0|2.0       HTTP API integration payload format (default 2.0; REST and ALB have one shape)
  --body TEXT             the request body
  --alb-multi-value       ALB target group with multi-value headers enabled
  --out FILE              write the event to FILE (owner-only) instead of standard output
  --unredacted            keep token signatures in the event (only with --out): by default every JWT in it
                          reads header.payload.<redacted>, which is enough for handlers that read claims
  --now EPOCH             evaluate times at this instant; requestTimeEpoch and request ids derive from it
  --authorizer NAME, --stage-var NAME=VALUE, --context-var NAME=VALUE, --jwks URL, --timeout-ms N
                          as for simulate (identity.sourceIp=IP sets the source address)
exit status: 0 event written, 1 denied (the reason on standard error), 2 usage or configuration error
example: authdbg event --config template.yaml --route "GET /orders/42" "$TOKEN" --out event.json
         sam local invoke OrdersFunction -e event.json`;

function payloadOption(raw: string | undefined): BackendEventOptions['payloadVersion'] {
  if (raw === undefined) return undefined;
  if (raw === '1.0' || raw === '2.0') return raw;
  throw new UsageError(`--payload must be 1.0 or 2.0 (got ${JSON.stringify(raw.slice(0, 20))})`);
}

/** Run `authdbg event`. */
export async function runEvent(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${EVENT_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length > 1)
    throw new UsageError('event takes one TOKEN (quote it, or use - for stdin)');
  const payloadVersion = payloadOption(optionValue(args, 'payload'));
  const out = optionValue(args, 'out');
  const unredacted = args.flags.has('unredacted');
  if (unredacted && out === undefined)
    throw new UsageError('--unredacted needs --out FILE: whole tokens are never printed to the terminal');
  if (out !== undefined && io.writeTextFile === undefined)
    throw new UsageError('--out is not available here');
  const { request, options: simulation, now } = await simulationFromArgs(args, io);
  const result = await simulate(request, simulation, { keys: io.keys });
  const options: BackendEventOptions = { now, albMultiValue: args.flags.has('alb-multi-value') };
  if (payloadVersion !== undefined) options.payloadVersion = payloadVersion;
  const body = optionValue(args, 'body');
  if (body !== undefined) options.body = body;
  const built = buildBackendEvent(request, result, options);
  if (!built) {
    const why = simulationReason(result);
    io.stderr(`DENY ${result.status}: the request never reaches the backend, so there is no event\n`);
    io.stderr(`Why:     ${escapeForTerminal(why.reason)}\n`);
    if (why.fix !== undefined) io.stderr(`To pass: ${escapeForTerminal(why.fix)}\n`);
    return EXIT.rejected;
  }
  const json = JSON.stringify(built.event, null, 2);
  const text = `${unredacted ? json : redactText(json)}\n`;
  for (const note of built.notes) io.stderr(`note: ${escapeForTerminal(note)}\n`);
  if (out !== undefined && io.writeTextFile) {
    try {
      await io.writeTextFile(out, text);
    } catch (error) {
      throw new UsageError(`--out ${out}: ${fileErrorText(error)}`);
    }
    io.stderr(`${EVENT_NAMES[built.kind]} written to ${escapeForTerminal(out)}\n`);
  } else io.stdout(text);
  return EXIT.ok;
}
