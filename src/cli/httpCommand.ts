// `authdbg http`: every request of a `.http` file through the simulator, one row each (line, method, path, route,
// decision, status, deciding step): the same core code as the editor's CodeLens. Exit 0 when every simulated
// request is allowed, 1 when one is denied, 2 usage or configuration error.
import { dirname, join } from 'node:path';
import type { EnvironmentSet, HttpEnvironment } from '../core/httpFile/environments.ts';
import { jetBrainsEnvironments, parseDotenv, restClientEnvironments } from '../core/httpFile/environments.ts';
import { parseHttpFile } from '../core/httpFile/parse.ts';
import type { HttpOutcomeRow, HttpTargetConfig } from '../core/httpFile/predict.ts';
import { outcomeRow, predictFile } from '../core/httpFile/predict.ts';
import type { HttpVariableContext } from '../core/httpFile/variables.ts';
import { HttpVariableResolver } from '../core/httpFile/variables.ts';
import { isObj } from '../core/iac/objects.ts';
import { MAX_CONFIG_FILE_BYTES } from '../core/fileLimits.ts';
import { redactText } from '../core/redact.ts';
import { simulate } from '../core/simulate/simulate.ts';
import { escapeForTerminal } from '../core/textSafety.ts';
import { numberOption, optionValue, parseArgs } from './args.ts';
import { isFileTooLarge, readCappedText } from './fileRead.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';
import { readConfigOption } from './simulateCommand.ts';

const SPEC = {
  config: { value: true },
  env: { value: true },
  'env-file': { value: true },
  'base-url': { value: true, repeat: true },
  'process-env': { value: false },
  now: { value: true },
  jwks: { value: true },
  'timeout-ms': { value: true },
  json: { value: false },
  help: { value: false },
} as const;

/** Help text for `authdbg http --help` and `authdbg help http`. */
export const HTTP_USAGE = `usage: authdbg http FILE.http --config FILE [--env NAME] [--json] [options]
  Simulates every request of a REST Client / JetBrains HTTP Client file against the configuration's routes:
  one row per request (line, method, path, route, decision, status, deciding step).
  Variables: @file variables, http-client.env.json and http-client.private.env.json next to FILE.http
  (JetBrains), {{$dotenv NAME}} from the .env next to FILE.http; request variables ({{login.response...}})
  are known only after that request is sent, so such requests are skipped with that reason.
  --env NAME              the environment to use (from the env files or --env-file)
  --env-file FILE         environments from FILE instead: a JetBrains env file, or a VS Code settings.json
                          holding "rest-client.environmentVariables" (plain JSON, no comments)
  --base-url URL=API      requests under URL go to API (a route's api, an API id, or the config file);
                          repeatable; without it an execute-api host or the only API is used
  --process-env           let {{$processEnv NAME}} read this process's environment (off by default:
                          a .http file from someone else could otherwise copy secrets into the output)
  --now EPOCH             evaluate times at this instant (seconds)
  --jwks URL              key URL (JWKS) for the authorizer's issuer
  --timeout-ms N          key fetch timeout (1000..30000, default 5000)
  --json                  {file, environment, requests: [{line, name, method, path, route, decision,
                          status, step, label}]}
exit status: 0 every simulated request allowed, 1 one or more denied, 2 usage or configuration error`;

/** A file next to FILE.http that may be absent; other read errors are usage errors. */
async function optionalText(io: CliIo, path: string): Promise<string | undefined> {
  try {
    const bytes = await io.readFileBytes(path, MAX_CONFIG_FILE_BYTES);
    return new TextDecoder('utf-8').decode(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (isFileTooLarge(error)) throw new UsageError(`${path} is larger than 1 MB: not read`);
    throw new UsageError(`${path}: ${code ?? 'could not be read'}`);
  }
}

/** `--env-file`: a settings.json with rest-client.environmentVariables, else a JetBrains env file. */
function environmentsFromFile(file: string, text: string): EnvironmentSet {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new UsageError(`--env-file ${file} is not valid JSON (settings with comments are not read)`);
  }
  if (isObj(value) && Object.hasOwn(value, 'rest-client.environmentVariables'))
    return restClientEnvironments(value['rest-client.environmentVariables']);
  return jetBrainsEnvironments(text);
}

function selectEnvironment(
  set: EnvironmentSet,
  name: string | undefined,
  where: string,
): HttpEnvironment | undefined {
  if (name === undefined) return set.format === 'rest-client' ? set.select('') : undefined;
  const selected = set.select(name);
  if (!selected) {
    throw new UsageError(
      `--env ${name} is not defined in ${where} (known: ${set.names.length ? set.names.join(', ') : 'none'})`,
    );
  }
  return selected;
}

/** NAME=VALUE pairs of --base-url (the URL itself contains no "=" before the API id's). */
function baseUrlsFrom(items: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new UsageError(`--base-url takes URL=API (got ${JSON.stringify(item.slice(0, 80))})`);
    Object.defineProperty(map, item.slice(0, eq), {
      value: item.slice(eq + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return map;
}

const HEADINGS = ['LINE', 'METHOD', 'PATH', 'ROUTE', 'DECISION', 'STATUS', 'DECIDING STEP'];
const MAX_CELL = 60;

function cell(text: string): string {
  const safe = escapeForTerminal(redactText(text));
  return safe.length > MAX_CELL ? `${safe.slice(0, MAX_CELL - 3)}...` : safe;
}

/** The table: one row per request; the deciding step column is last and not cut. */
export function renderHttpTable(rows: readonly HttpOutcomeRow[]): string {
  const cells = rows.map((row) => [
    String(row.line),
    cell(row.method),
    cell(row.path),
    cell(row.route ?? '-'),
    row.decision === 'skipped' ? 'skipped' : row.decision.toUpperCase(),
    row.status === undefined ? '-' : String(row.status),
    escapeForTerminal(redactText(row.step)),
  ]);
  const widths = HEADINGS.map((heading, column) =>
    Math.max(
      heading.length,
      ...cells.map((line) => (column === HEADINGS.length - 1 ? 0 : (line[column] ?? '').length)),
    ),
  );
  const format = (line: string[]): string =>
    line
      .map((text, column) => (column === line.length - 1 ? text : text.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [format(HEADINGS), ...cells.map(format)].join('\n');
}

/** Run `authdbg http`. */
export async function runHttp(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${HTTP_USAGE}\n`);
    return EXIT.ok;
  }
  const [file, ...extra] = args.positionals;
  if (file === undefined) throw new UsageError('http takes FILE.http (try: authdbg help http)');
  if (extra.length > 0) throw new UsageError('http takes one FILE.http');
  const config = await readConfigOption(optionValue(args, 'config'), io);
  const text = await readCappedText(io, file, 'config', 'FILE.http');
  const parsed = parseHttpFile(text);

  const folder = dirname(file);
  const envName = optionValue(args, 'env');
  const envFile = optionValue(args, 'env-file');
  let environments: EnvironmentSet;
  let where: string;
  if (envFile !== undefined) {
    environments = environmentsFromFile(envFile, await readCappedText(io, envFile, 'config', '--env-file'));
    where = envFile;
  } else {
    const publicText = await optionalText(io, join(folder, 'http-client.env.json'));
    const privateText = await optionalText(io, join(folder, 'http-client.private.env.json'));
    environments = jetBrainsEnvironments(publicText, privateText);
    where = 'http-client.env.json / http-client.private.env.json';
  }
  for (const problem of environments.problems) io.stderr(`authdbg: ${escapeForTerminal(problem)}\n`);
  const environment = selectEnvironment(environments, envName, where);
  // Without --env the environment files are not used: say so, or every {{host}} reads as undefined.
  if (environment === undefined && environments.names.length > 0)
    io.stderr(
      `authdbg: no --env given: the variables of ${escapeForTerminal(where)} are not used (environments: ${escapeForTerminal(environments.names.join(', '))})\n`,
    );

  const context: HttpVariableContext = {};
  if (environment) context.environment = environment;
  const dotenvPath = join(folder, '.env');
  const dotenvText = await optionalText(io, dotenvPath);
  if (dotenvText !== undefined) context.dotenv = { file: '.env', values: parseDotenv(dotenvText) };
  if (args.flags.has('process-env')) context.processEnv = (name) => process.env[name];
  const resolver = new HttpVariableResolver(parsed, context);

  const targets: HttpTargetConfig[] = [{ label: config.file, config }];
  const baseUrls = baseUrlsFrom(args.options.get('base-url') ?? []);
  const now = numberOption(args, 'now', -1e10, 1e12) ?? io.nowMs() / 1000;
  const jwks = optionValue(args, 'jwks');
  const outcomes = await predictFile(
    parsed,
    resolver,
    targets,
    baseUrls,
    simulate,
    jwks === undefined ? { now } : { now, keyUrls: { all: jwks } },
    { keys: io.keys },
  );
  const rows = outcomes.map(outcomeRow);
  if (args.flags.has('json')) {
    const document = {
      file,
      environment: environment?.name ?? null,
      requests: rows.map((row) => ({
        ...row,
        path: redactText(row.path),
        step: redactText(row.step),
        label: redactText(row.label),
      })),
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  } else if (rows.length === 0) {
    io.stdout(`${escapeForTerminal(file)}: no requests\n`);
  } else {
    io.stdout(`${renderHttpTable(rows)}\n`);
  }
  if (parsed.truncated) {
    io.stderr(
      `authdbg: ${escapeForTerminal(file)} was read in part (${parsed.truncated.requests} requests and ${parsed.truncated.variables} variables over the limits)\n`,
    );
  }
  return rows.some((row) => row.decision === 'deny') ? EXIT.rejected : EXIT.ok;
}
