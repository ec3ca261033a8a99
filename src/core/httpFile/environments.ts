// Where `.http` variables come from outside the file: REST Client's `rest-client.environmentVariables` setting,
// JetBrains' http-client.env.json + http-client.private.env.json, and a `.env` file next to the `.http` file.
// Pure: the callers read the files and the setting and pass their text or value; nothing here touches disk.
import { isObj } from '../iac/objects.ts';

/** Which client's rules apply: they differ on precedence (see variables.ts). */
export type EnvironmentFormat = 'rest-client' | 'jetbrains';

/** Where an environment value was written. */
export type EnvironmentSource =
  'rest-client.environmentVariables' | 'http-client.env.json' | 'http-client.private.env.json';

export interface EnvironmentValue {
  value: string;
  source: EnvironmentSource;
  /** The environment it was defined in ("$shared" for REST Client's shared one). */
  environment: string;
}

/** One selected environment, resolved against `$shared`: name -> value (Maps: a `__proto__` key is plain data). */
export interface HttpEnvironment {
  name: string;
  format: EnvironmentFormat;
  variables: Map<string, EnvironmentValue>;
  /** REST Client's `$shared` environment, for `{{$shared name}}` (empty for JetBrains). */
  shared: Map<string, EnvironmentValue>;
}

/** Every environment a source defines, to pick from (`--env NAME`, the editor's picker). */
export interface EnvironmentSet {
  format: EnvironmentFormat;
  /** Environment names in file order, `$shared` excluded. */
  names: string[];
  /** Problems reading the sources (invalid JSON, too large), as sentences. */
  problems: string[];
  /** The environment `name`, or undefined when the set has no such environment. */
  select(name: string): HttpEnvironment | undefined;
}

/** Environment files larger than this are not read (a real one is a few KiB). */
export const MAX_ENV_FILE_CHARS = 1024 * 1024;
/** At most this many variables per environment are kept. */
export const MAX_ENV_VARIABLES = 10_000;
const SHARED = '$shared';

/** A scalar JSON value as the clients substitute it; objects and arrays (JetBrains auth blocks) are skipped. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function valuesOf(
  record: unknown,
  source: EnvironmentSource,
  environment: string,
  into: Map<string, EnvironmentValue>,
  overwrite: boolean,
): void {
  if (!isObj(record)) return;
  for (const [name, raw] of Object.entries(record)) {
    if (into.size >= MAX_ENV_VARIABLES) return;
    const value = scalarText(raw);
    if (value === undefined) continue;
    if (!overwrite && into.has(name)) continue;
    into.set(name, { value, source, environment });
  }
}

/**
 * REST Client: the `rest-client.environmentVariables` setting's value. An environment's own values override
 * `$shared`'s; `$shared` values stay reachable as `{{$shared name}}`. "No Environment" still sees `$shared`.
 */
export function restClientEnvironments(setting: unknown): EnvironmentSet {
  const problems: string[] = [];
  const record = isObj(setting) ? setting : {};
  if (setting !== undefined && setting !== null && !isObj(setting))
    problems.push('rest-client.environmentVariables is not an object of environments');
  const names = Object.keys(record).filter((name) => name !== SHARED);
  const source: EnvironmentSource = 'rest-client.environmentVariables';
  return {
    format: 'rest-client',
    names,
    problems,
    select(name) {
      if (name !== '' && !names.includes(name)) return undefined;
      const shared = new Map<string, EnvironmentValue>();
      valuesOf(Object.hasOwn(record, SHARED) ? record[SHARED] : undefined, source, SHARED, shared, true);
      const variables = new Map<string, EnvironmentValue>();
      if (name !== '') valuesOf(record[name], source, name, variables, true);
      for (const [key, value] of shared) if (!variables.has(key)) variables.set(key, value);
      return { name, format: 'rest-client', variables, shared };
    },
  };
}

function parseEnvFile(text: string | undefined, file: EnvironmentSource, problems: string[]): unknown {
  if (text === undefined) return {};
  if (text.length > MAX_ENV_FILE_CHARS) {
    problems.push(`${file} is larger than ${MAX_ENV_FILE_CHARS / 1024} KiB: not read`);
    return {};
  }
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (!isObj(value)) {
      problems.push(`${file} is not a JSON object of environments`);
      return {};
    }
    return value;
  } catch {
    problems.push(`${file} is not valid JSON`);
    return {};
  }
}

/**
 * JetBrains: http-client.env.json and http-client.private.env.json (either may be absent). On a name conflict the
 * public file's value is used, as JetBrains documents ("public variables take precedence over private ones").
 */
export function jetBrainsEnvironments(publicText?: string, privateText?: string): EnvironmentSet {
  const problems: string[] = [];
  const publicEnvs = parseEnvFile(publicText, 'http-client.env.json', problems);
  const privateEnvs = parseEnvFile(privateText, 'http-client.private.env.json', problems);
  const names: string[] = [];
  for (const envs of [publicEnvs, privateEnvs]) {
    if (!isObj(envs)) continue;
    for (const name of Object.keys(envs)) if (name !== SHARED && !names.includes(name)) names.push(name);
  }
  const at = (envs: unknown, name: string): unknown =>
    isObj(envs) && Object.hasOwn(envs, name) ? envs[name] : undefined;
  return {
    format: 'jetbrains',
    names,
    problems,
    select(name) {
      if (!names.includes(name)) return undefined;
      const variables = new Map<string, EnvironmentValue>();
      valuesOf(at(publicEnvs, name), 'http-client.env.json', name, variables, true);
      valuesOf(at(privateEnvs, name), 'http-client.private.env.json', name, variables, false);
      // JetBrains' shared environment ($shared in the env files): used where the selected one has no value.
      valuesOf(at(publicEnvs, SHARED), 'http-client.env.json', SHARED, variables, false);
      valuesOf(at(privateEnvs, SHARED), 'http-client.private.env.json', SHARED, variables, false);
      return { name, format: 'jetbrains', variables, shared: new Map() };
    },
  };
}

/** A `.env` file's NAME=value pairs (dotenv rules: `export ` prefix, quotes, `#` comments); the last one wins. */
export function parseDotenv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const source = text.length > MAX_ENV_FILE_CHARS ? text.slice(0, MAX_ENV_FILE_CHARS) : text;
  for (const rawLine of source.split('\n')) {
    if (values.size >= MAX_ENV_VARIABLES) break;
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice('export '.length).trimStart();
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const name = line.slice(0, equals).trim();
    if (name === '' || /\s/.test(name)) continue;
    let value = line.slice(equals + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      const comment = value.indexOf(' #');
      if (comment !== -1) value = value.slice(0, comment).trimEnd();
    }
    values.set(name, value);
  }
  return values;
}
