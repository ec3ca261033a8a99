// Lambda authorizer identity sources: each configured source looked up in the request (header, query string, stage
// variable, $context value), the 401 API Gateway answers when one is missing, and the cache key they form.
import type { ApiKind, AuthorizerConfig, RouteConfig } from '../config/model.ts';
import { redactToken } from '../redact.ts';
import type { IdentityExpression, IdentityValue } from './identitySource.ts';
import { findIdentity, parseIdentityExpression, queryOf } from './identitySource.ts';
import { lookUpIdentity } from './openingStep.ts';
import type { TraceStep } from './result.ts';
import { step } from './result.ts';
import type { Run } from './run.ts';

/** One identity source and the value the request gives it. */
export interface IdentitySourceValue {
  source: IdentityExpression;
  value: string;
}

/** The request a cache key is computed for: this one, or the `cachedFrom` request that filled the cache. */
export interface RequestSide {
  /** The request line as typed ("GET /a?x=1"): its query string feeds `querystring` sources. */
  line: string;
  route: RouteConfig;
  method: string;
  path: string;
}

export type ResolvedIdentity =
  | {
      ok: true;
      sources: IdentityExpression[];
      values: IdentitySourceValue[];
      /** The first header source's value: what `verify` checks as a token. */
      token: IdentityValue | undefined;
      notes: TraceStep[];
    }
  | { ok: false; problem: 'missing' | 'config'; notes: TraceStep[] };

/** $context values present on every request whose value the simulator cannot know (shown as placeholders). */
const ALWAYS_PRESENT_CONTEXT = new Set([
  'identity.sourceIp',
  'requestId',
  'extendedRequestId',
  'requestTime',
  'requestTimeEpoch',
  'domainName',
  'domainPrefix',
  'protocol',
]);

/** Header-name shorthand (`identitySource: X-Token`) written the way the API stores it. */
function spelled(kind: ApiKind, header: string): string {
  return kind === 'http' ? `$request.header.${header}` : `method.request.header.${header}`;
}

/**
 * True when the authorizer reads one token header (REST TOKEN, the default); `identitySources` without a lambdaType
 * means REQUEST. HTTP API Lambda authorizers are all REQUEST authorizers.
 */
export function isTokenAuthorizer(auth: AuthorizerConfig, kind: ApiKind): boolean {
  if (kind === 'http') return false;
  return auth.lambdaType === 'TOKEN' || (auth.lambdaType === undefined && auth.identitySources === undefined);
}

/** The configured sources, parsed; a source API Gateway would not accept is a configuration failure. */
export function configuredSources(
  auth: AuthorizerConfig,
  kind: ApiKind,
): { ok: true; sources: IdentityExpression[]; notes: TraceStep[] } | { ok: false; notes: TraceStep[] } {
  const notes: TraceStep[] = [];
  // A single identitySource is a header name, or (read from a template) a full expression such as a query string.
  const single = auth.identitySource ?? 'Authorization';
  const singleForm = parseIdentityExpression(single)?.form;
  const written = auth.identitySources ?? [
    singleForm === 'http' || singleForm === 'rest' ? single : spelled(kind, single),
  ];
  const sources: IdentityExpression[] = [];
  for (const text of written) {
    const parsed = parseIdentityExpression(text);
    if (!parsed) {
      notes.push(
        step(
          'identity-source',
          'fail',
          `identity source ${JSON.stringify(text)} is not a mapping expression API Gateway accepts (${kind === 'http' ? '$request.header.X, $request.querystring.X, $stageVariables.X, $context.X' : 'method.request.header.X, method.request.querystring.X, stageVariables.X, context.X'})`,
        ),
      );
      return { ok: false, notes };
    }
    const foreign =
      (parsed.form === 'http' && kind !== 'http') || (parsed.form === 'rest' && kind === 'http');
    if (foreign) {
      notes.push(
        step(
          'identity-source',
          'warn',
          `${parsed.expression} is the ${parsed.form === 'http' ? 'HTTP API' : 'REST API'} spelling but this route is on a${kind === 'http' ? 'n HTTP' : ' REST'} API: read as the same ${parsed.location}; set api.kind if the API kind is wrong`,
        ),
      );
    }
    sources.push(parsed);
  }
  if (isTokenAuthorizer(auth, kind)) {
    const first = sources[0];
    if (sources.length !== 1 || first?.location !== 'header') {
      notes.push(
        step(
          'identity-source',
          'fail',
          `a TOKEN authorizer reads one header (method.request.header.X); got ${written.join(', ') || 'none'}: API Gateway refuses this authorizer (use lambdaType: REQUEST for several sources)`,
        ),
      );
      return { ok: false, notes };
    }
  }
  return { ok: true, sources, notes };
}

/** The $context values of a request that the simulator knows: derived from the route, then the user's own. */
function contextValue(run: Run, kind: ApiKind, side: RequestSide, name: string): string | undefined {
  const given = run.request.contextValues;
  if (given !== undefined && Object.hasOwn(given, name)) return given[name];
  const api = run.request.config.api;
  switch (name) {
    case 'httpMethod':
      return side.method;
    case 'stage':
      return api.stage;
    case 'apiId':
      return api.apiId;
    case 'accountId':
      return api.accountId;
    case 'routeKey':
      return kind === 'http' ? side.route.route : undefined;
    case 'resourcePath':
      return kind === 'http' ? undefined : side.route.path;
    case 'path':
      // REST's $context.path includes the stage (/{stage}/orders/1); HTTP API's is the request path.
      return kind === 'http' ? side.path : `/${api.stage}${side.path}`;
    default:
      return ALWAYS_PRESENT_CONTEXT.has(name) ? `<${name}>` : undefined;
  }
}

function describe(value: IdentitySourceValue): string {
  if (value.source.location === 'header') return `${value.source.expression}=${redactToken(value.value)}`;
  const text = value.value.length > 80 ? `${value.value.slice(0, 80)}...` : value.value;
  return `${value.source.expression}=${JSON.stringify(text)}`;
}

/** The cache key as the trace shows it (header values redacted: they are usually tokens). */
export function describeKey(values: readonly IdentitySourceValue[]): string {
  return values.length === 0 ? '(none)' : values.map(describe).join(', ');
}

/** True when two requests give every identity source the same value (so they share one cache entry). */
export function sameKey(a: readonly IdentitySourceValue[], b: readonly IdentitySourceValue[]): boolean {
  return a.length === b.length && a.every((v, i) => v.value === b[i]?.value);
}

/**
 * Look up every identity source of `side`; any missing one (REST: or empty) means 401 without invoking the
 * function. `quiet` skips the per-source trace (for the cached-from request).
 */
export function resolveIdentity(
  run: Run,
  sources: readonly IdentityExpression[],
  kind: ApiKind,
  side: RequestSide,
  quiet = false,
): ResolvedIdentity {
  const notes: TraceStep[] = [];
  const note = (status: TraceStep['status'], message: string): void => {
    if (!quiet) notes.push(step('identity-source', status, message));
  };
  const values: IdentitySourceValue[] = [];
  const query = queryOf(side.line);
  const firstHeader = sources.find((s) => s.location === 'header');
  let token: IdentityValue | undefined;
  for (const source of sources) {
    let value: string | undefined;
    let why = '';
    switch (source.location) {
      case 'header': {
        // A bare token stands for the first header source only; others must be named in a header block.
        const lookup =
          source === firstHeader
            ? lookUpIdentity(run, source.name)
            : findIdentity(run.request.token, source.name);
        const found =
          lookup.value && (source === firstHeader || !lookup.value.assumed) ? lookup.value : undefined;
        if (found) {
          if (source === firstHeader) token = found;
          value = found.scheme ? `${found.scheme} ${found.token}` : found.token;
          if (!quiet) notes.push(...lookup.notes);
        } else if (lookup.value) {
          why = `a bare token stands for the first header source only; give ${source.name} in a header block ("${source.name}: value")`;
        } else why = lookup.notes.at(-1)?.message ?? `the request has no ${source.name} header`;
        break;
      }
      case 'querystring': {
        const list = query.get(source.name);
        if (list === undefined) why = `the query string has no ${source.name} (names are case-sensitive)`;
        else {
          // HTTP API joins repeated parameters with commas; REST keeps the last one.
          value = kind === 'http' ? list.join(',') : (list.at(-1) ?? '');
          if (list.length > 1)
            note(
              'info',
              `${source.name} appears ${list.length} times: ${kind === 'http' ? 'HTTP APIs join the values with commas' : 'REST APIs use the last value'}`,
            );
        }
        break;
      }
      case 'stageVariable': {
        const vars = run.request.stageVariables;
        if (vars !== undefined && Object.hasOwn(vars, source.name)) value = vars[source.name];
        else why = `the stage has no variable ${source.name} (give it with --stage-var ${source.name}=VALUE)`;
        break;
      }
      case 'context': {
        value = contextValue(run, kind, side, source.name);
        if (value === undefined)
          why = `$context.${source.name} is not known to the simulator (give it with --context-var ${source.name}=VALUE)`;
        else if (value.startsWith('<'))
          note('info', `$context.${source.name} is present on every request; its value is shown as ${value}`);
        break;
      }
    }
    if (value !== undefined && value.trim() === '') {
      why =
        kind === 'http'
          ? `${source.expression} is empty: treated as missing (AWS documents only that sources must be present: unverified)`
          : `${source.expression} is empty: REST APIs require every identity source to be present, not null and non-empty`;
      value = undefined;
    }
    if (value === undefined) {
      if (!quiet) notes.push(step('identity-source', 'fail', `${source.expression}: ${why}`));
      return { ok: false, problem: 'missing', notes };
    }
    if (source.location !== 'header')
      note('pass', `${source.expression} found: ${JSON.stringify(value.slice(0, 80))}`);
    values.push({ source, value });
  }
  return { ok: true, sources: [...sources], values, token, notes };
}
