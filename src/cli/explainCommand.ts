// `authdbg explain`: which authorizer step produced this 401/403/500, and, with a token and a configuration,
// whether the simulation reproduces it. Exit 0 when explained (or reproduced), 1 when nothing matches, 2 usage.
import { explainExchange, parseExchange, requestToken } from '../core/explain/response.ts';
import type { ExplainContext, ResponseExplanation } from '../core/explain/response.ts';
import { simulationReason } from '../core/explain/verdict.ts';
import { redactText, tokenHash } from '../core/redact.ts';
import { matchRoute, parseRequestLine } from '../core/simulate/routeMatch.ts';
import type { SimConfig } from '../core/config/model.ts';
import { simulate } from '../core/simulate/simulate.ts';
import { escapeForTerminal } from '../core/textSafety.ts';
import { numberOption, optionValue, parseArgs } from './args.ts';
import { readCappedText } from './fileRead.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';
import { readConfigOption } from './simulateCommand.ts';

const SPEC = {
  config: { value: true },
  route: { value: true },
  now: { value: true },
  jwks: { value: true },
  json: { value: false },
  'timeout-ms': { value: true },
  help: { value: false },
} as const;

export const EXPLAIN_USAGE = `usage: authdbg explain [FILE|-] [--config F [--route "METHOD /path"]] [TOKEN] [--json]
  FILE holds the response: \`curl -i\` or \`curl -v\` output (the request lines too, if present), raw HTTP, a
  HAR entry, or a HAR file (every response with status 400 or above); "-" or no FILE reads standard input.
  Lists the authorizer steps that answer with exactly that status, body and headers, most likely first, and
  what to check for each.
  --config FILE           authdebug.yaml or a template: causes are narrowed to the route's authorizer
  --route "METHOD /path"  the route (default: the request line in the paste)
  TOKEN                   with --config: simulate the request and say whether it reproduces the response
                          (default: the Authorization header of the pasted request)
  --now EPOCH             evaluate times at this instant (seconds)
  --jwks URL              key URL for the token's issuer, as in simulate
  --timeout-ms N          key fetch timeout (1000..30000, default 5000)
  --json                  machine-readable explanations
exit status: 0 explained, 1 no step of the catalogue answers like this, 2 usage or input error`;

/**
 * A pasted REST invoke URL's path starts with the stage ("/prod/orders"); the configured routes do not. The
 * path without the stage is taken only when it matches a route and the path as pasted does not.
 */
function pathWithoutStage(config: SimConfig, method: string, pathAndQuery: string): string | undefined {
  const question = pathAndQuery.indexOf('?');
  const path = question === -1 ? pathAndQuery : pathAndQuery.slice(0, question);
  if (matchRoute(config, method, path).ok) return undefined;
  const stages = new Set([config.api.stage, ...Object.values(config.apis ?? {}).map((api) => api.stage)]);
  for (const stage of stages) {
    if (stage === '' || stage === '$default') continue;
    const prefix = `/${stage}`;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) continue;
    const rest = path.slice(prefix.length) || '/';
    if (matchRoute(config, method, rest).ok)
      return `${rest}${question === -1 ? '' : pathAndQuery.slice(question)}`;
  }
  return undefined;
}

function render(explanation: ResponseExplanation, many: boolean): string {
  const lines: string[] = [];
  const { response } = explanation;
  const first = explanation.matches[0];
  const head = `${response.status}${many ? ` (${explanation.origin})` : ''}`;
  if (!first) lines.push(`${head}: not explained`, `Why:        ${explanation.unmatched ?? ''}`);
  else {
    const ambiguous = explanation.matches.length > 1 && first.supportedBy === undefined;
    const reproduced =
      explanation.reproduction?.reproduced === true && explanation.simulatedReason !== undefined;
    lines.push(
      reproduced
        ? `${head}: ${explanation.simulatedReason ?? ''}`
        : ambiguous
          ? `${head}: one of ${explanation.matches.length} authorizer steps answers exactly like this (most likely first)`
          : `${head}: ${first.cause.producedBy}`,
    );
    if (explanation.reproduction) {
      lines.push(
        explanation.reproduction.reproduced
          ? 'Reproduced: the simulation of this request answers the same'
          : `Not reproduced: ${explanation.reproduction.differences.join('; ')}`,
      );
    }
  }
  if (explanation.responder !== 'unknown')
    lines.push(
      `Answered by: ${explanation.responder === 'alb' ? 'an ALB' : explanation.responder === 'rest' ? 'a REST API' : 'an HTTP API'} (${explanation.responderEvidence[0] ?? ''})`,
    );
  if (explanation.request)
    lines.push(`Request:    ${explanation.request.method} ${explanation.request.path.slice(0, 200)}`);
  explanation.matches.forEach((match, index) => {
    const tags = [
      match.quality === 'partial'
        ? `partial match: no ${match.missing.join(', ')} header in the paste`
        : 'matches exactly',
      match.cause.source.kind === 'observed' ? 'observed behaviour' : 'documented by AWS',
      match.supportedBy === 'simulation'
        ? 'the simulation decided here'
        : match.supportedBy === 'route'
          ? "fits the route's authorizer"
          : undefined,
    ].filter((tag): tag is string => tag !== undefined);
    lines.push('', `${index + 1}. ${match.cause.producedBy}`, `   (${tags.join('; ')})`);
    for (const item of match.cause.check) lines.push(`   - ${item}`);
  });
  return lines.map((line) => escapeForTerminal(line)).join('\n');
}

/** Run `authdbg explain`. */
export async function runExplain(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${EXPLAIN_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length > 2) throw new UsageError('explain takes FILE and TOKEN (quote them)');
  const [file, tokenArg] = args.positionals;
  const text =
    file === undefined || file === '-'
      ? await io.readStdin()
      : await readCappedText(io, file, 'config', 'FILE');
  const parsed = parseExchange(text);
  if (!parsed.ok) throw new UsageError(parsed.message);
  const configFile = optionValue(args, 'config');
  const routeOption = optionValue(args, 'route');
  if (routeOption !== undefined) {
    const line = parseRequestLine(routeOption);
    if (!line.ok) throw new UsageError(`--route ${line.message}`);
  }
  if (configFile === undefined && (routeOption !== undefined || tokenArg !== undefined))
    throw new UsageError('--route and TOKEN need --config FILE');
  const config = configFile === undefined ? undefined : await readConfigOption(configFile, io);
  const now = numberOption(args, 'now', -1e10, 1e12) ?? io.nowMs() / 1000;
  const jwks = optionValue(args, 'jwks');
  const explanations: ResponseExplanation[] = [];
  for (const exchange of parsed.exchanges) {
    const context: ExplainContext = {};
    if (config) {
      let route = routeOption;
      if (route === undefined && exchange.request) {
        const { method, path } = exchange.request;
        const unstaged = pathWithoutStage(config, method, path);
        if (unstaged !== undefined && !args.flags.has('json'))
          io.stderr(
            `the stage is not part of the route: ${method} ${redactText(path).slice(0, 200)} is simulated as ${method} ${redactText(unstaged).slice(0, 200)}\n`,
          );
        route = `${method} ${unstaged ?? path}`;
      }
      if (route === undefined)
        throw new UsageError('--route "METHOD /path" is required: the paste has no request line');
      const token = tokenArg ?? requestToken(exchange.request);
      const request: Parameters<typeof simulate>[0] = { config, route };
      if (token !== undefined) request.token = token;
      const result = await simulate(request, jwks === undefined ? { now } : { now, keyUrls: { all: jwks } }, {
        keys: io.keys,
      });
      if (result.route) {
        context.route = { apiKind: result.route.apiKind };
        if (result.authorizer) context.route.authorizerType = result.authorizer.type;
      }
      // Without a token the simulation only tells which route and authorizer: it is not a reproduction.
      if (token !== undefined) context.simulation = result;
      if (!args.flags.has('json') && token !== undefined)
        io.stderr(
          `simulated ${redactText(route).slice(0, 200)} with token ${tokenHash(token.trim())}: ${result.decision} ${result.status} (${simulationReason(result).reason})\n`,
        );
    }
    explanations.push(explainExchange(exchange, context));
  }
  if (args.flags.has('json')) io.stdout(`${JSON.stringify({ explanations }, null, 2)}\n`);
  else io.stdout(`${explanations.map((e) => render(e, explanations.length > 1)).join('\n\n')}\n`);
  return explanations.every((e) => e.matches.length > 0 || e.response.status < 400) ? EXIT.ok : EXIT.rejected;
}
