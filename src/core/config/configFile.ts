// Reads authdebug.yaml / authdebug.json strictly: every error names the file, the line and the key.
import type { Alias, Document, Node, Scalar } from 'yaml';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Warning, WarningSource } from '../findings.ts';
import { sortBySourceLine, warning } from '../findings.ts';
import { splitByApiKind } from './apiKinds.ts';
import { BudgetExceeded, ReadBudget } from './budget.ts';
import { routeTraps } from './traps.ts';
import { aliasTargets } from './yamlAliases.ts';
import { isAlbArn, isAwsRegion, isCognitoIssuer, isUserPoolId } from '../awsIdentifiers.ts';
import { checkKeyUrl } from '../keys/keyUrls.ts';
import { trimTrailingSlashes } from '../textScan.ts';
import { compileUserRegex } from '../userRegex.ts';
import { parseIdentityExpression } from './identitySources.ts';
import type {
  ApiCoordinates,
  ApiKind,
  AuthorizerConfig,
  AuthorizerType,
  RbacPolicy,
  RouteConfig,
  SimConfig,
  SourceRef,
} from './model.ts';

/** A parsed configuration, or every problem found (each "file:line: key message"). */
export type ConfigResult = { ok: true; config: SimConfig } | { ok: false; errors: string[] };

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
const AUTHORIZER_TYPES: readonly AuthorizerType[] = ['cognito', 'jwt', 'lambda', 'alb'];

const KEYS_BY_TYPE: Record<AuthorizerType, readonly string[]> = {
  cognito: [
    'type',
    'userPools',
    'issuers',
    'identitySource',
    'validationRegex',
    'jwks',
    'clientId',
    'scopes',
  ],
  jwt: ['type', 'issuer', 'audience', 'identitySource', 'jwks', 'scopes'],
  lambda: [
    'type',
    'identitySource',
    'identitySources',
    'verify',
    'policy',
    'context',
    'resultTtlSeconds',
    'lambdaType',
    'validationRegex',
    'payloadFormatVersion',
    'enableSimpleResponses',
  ],
  alb: ['type', 'albArn', 'clientId', 'onUnauthenticatedRequest', 'keyUrl', 'authorizationEndpoint'],
};

/** Header name from `Authorization`, `method.request.header.Authorization` or `$request.header.Authorization`. */
function headerFromIdentitySource(text: string): string | undefined {
  const name = text.replace(/^(method\.request\.header\.|\$request\.header\.)/, '');
  return HEADER_NAME.test(name) ? name : undefined;
}

/** `policy` and `context` values: nodes plus characters, aliases counted at their expanded size. */
const MAX_EXPANDED_VALUE = 1_000_000;

class Reader {
  readonly errors: string[] = [];
  readonly warnings: Warning[] = [];
  private readonly expandedSizes = new WeakMap<Node, number>();
  private readonly aliases: ReadonlyMap<Alias, Node>;
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
    // Aliases make every entry readable many times over: each read is paid for.
    readonly budget: ReadBudget = new ReadBudget(),
  ) {
    this.aliases = aliasTargets(doc.contents);
  }

  line(node: Node | null | undefined, fallback = 1): number {
    const offset = node?.range?.[0];
    return offset === undefined ? fallback : this.lines.linePos(offset).line;
  }

  error(node: Node | null | undefined, message: string, fallbackLine = 1): void {
    this.errors.push(`${this.file}:${this.line(node, fallbackLine)}: ${message}`);
  }

  errorAt(line: number, message: string): void {
    this.errors.push(`${this.file}:${line}: ${message}`);
  }

  /** A warning at the node's line; `about` names the route or authorizer it concerns (traces attach by it). */
  warn(
    id: string,
    node: Node | null | undefined,
    message: string,
    about: Pick<WarningSource, 'route' | 'authorizer'> = {},
  ): void {
    const line = this.line(node);
    this.warnings.push(warning(id, `${this.file}:${line}: ${message}`, { file: this.file, line, ...about }));
  }

  resolve(node: unknown): Node | null {
    if (isAlias(node)) {
      const target = this.aliases.get(node);
      if (target === undefined) return null;
      // Whatever reads the target reads its expansion: pay for it before reading.
      this.budget.addNodes(this.expandedSize(target, new Set()));
      return target;
    }
    return isNode(node) ? node : null;
  }

  /** Entries of a mapping, keys as strings; unknown keys are errors. */
  map(
    node: Node | null,
    path: string,
    allowed: readonly string[] | undefined,
    parentLine = 1,
  ): Map<string, { key: Scalar; value: Node | null }> | undefined {
    if (!isMap(node)) {
      this.error(node, `${path} must be a mapping`, parentLine);
      return undefined;
    }
    const out = new Map<string, { key: Scalar; value: Node | null }>();
    for (const pair of node.items) {
      this.budget.step();
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'string') {
        this.error(isNode(key) ? key : node, `${path} has a key that is not a string`);
        continue;
      }
      const name = key.value;
      const full = path ? `${path}.${name}` : name;
      if (allowed && !allowed.includes(name)) {
        this.error(key, `${full} is not a known key (expected one of ${allowed.join(', ')})`);
        continue;
      }
      out.set(name, { key, value: this.resolve(pair.value) });
    }
    return out;
  }

  str(node: Node | null, path: string, parentLine: number): string | undefined {
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    const hint = isScalar(node) && typeof node.value === 'number' ? ' (quote it)' : '';
    this.error(node, `${path} must be a string${hint}`, parentLine);
    return undefined;
  }

  strList(node: Node | null, path: string, parentLine: number, nonEmpty = false): string[] | undefined {
    if (!isSeq(node)) {
      this.error(node, `${path} must be a list of strings`, parentLine);
      return undefined;
    }
    const out: string[] = [];
    for (let i = 0; i < node.items.length; i++) {
      this.budget.step();
      const item = this.resolve(node.items[i]);
      const value = this.str(item, `${path}[${i}]`, this.line(node));
      if (value !== undefined) out.push(value);
    }
    if (nonEmpty && node.items.length === 0) this.error(node, `${path} must not be empty`);
    return out;
  }

  num(
    node: Node | null,
    path: string,
    min: number,
    max: number,
    integer: boolean,
    parentLine: number,
  ): number | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      this.error(
        node,
        `${path} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
        parentLine,
      );
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(
    node: Node | null,
    path: string,
    options: readonly T[],
    parentLine: number,
  ): T | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    this.error(node, `${path} must be one of ${options.join(', ')}`, parentLine);
    return undefined;
  }

  url(node: Node | null, path: string, parentLine: number, keyUrl: boolean): string | undefined {
    const value = this.str(node, path, parentLine);
    if (value === undefined) return undefined;
    if (keyUrl ? !checkKeyUrl(value).ok : !/^https?:\/\/[^\s]+$/.test(value) || !URL.canParse(value)) {
      this.error(
        node,
        keyUrl
          ? `${path} must be an https URL (http is allowed only on localhost/127.0.0.1/[::1])`
          : `${path} must be an http(s) URL`,
        parentLine,
      );
      return undefined;
    }
    return value;
  }

  /** A plain value with aliases resolved; a value that expands too far is an error, not a hang. */
  toJs(node: Node | null, path: string, parentLine: number): unknown {
    if (node === null) return null;
    const size = this.expandedSize(node, new Set());
    if (size > MAX_EXPANDED_VALUE) {
      this.error(
        node,
        `${path} expands to more than ${MAX_EXPANDED_VALUE.toLocaleString('en-US')} nodes and characters (YAML aliases count at their expanded size)`,
        parentLine,
      );
      return undefined;
    }
    return this.plain(node, new Map(), new Set());
  }

  // Aliases share the converted value (their expanded size was checked); an alias into its own anchor is null,
  // so the value stays a tree JSON can print; keys stay plain data.
  private plain(node: unknown, done: Map<Node, unknown>, open: Set<Node>): unknown {
    const target = this.resolve(node);
    if (target === null || open.has(target)) return null;
    if (done.has(target)) return done.get(target);
    if (isScalar(target)) return target.value;
    open.add(target);
    try {
      return this.plainCollection(target, done, open);
    } finally {
      open.delete(target);
    }
  }

  private plainCollection(target: Node, done: Map<Node, unknown>, open: Set<Node>): unknown {
    if (isSeq(target)) {
      const list: unknown[] = [];
      for (const item of target.items) list.push(this.plain(item, done, open));
      done.set(target, list);
      return list;
    }
    if (isMap(target)) {
      const out: Record<string, unknown> = {};
      for (const pair of target.items) {
        const key = this.resolve(pair.key);
        const name = isScalar(key) ? String(key.value) : isSeq(key) ? '[list key]' : '{mapping key}';
        Object.defineProperty(out, name, {
          value: this.plain(pair.value, done, open),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      done.set(target, out);
      return out;
    }
    return null;
  }

  // Nodes plus string lengths, each alias at its target's size (memoised per node, so linear in the file).
  private expandedSize(node: unknown, open: Set<unknown>): number {
    const target = isAlias(node) ? this.aliases.get(node) : isNode(node) ? node : undefined;
    if (target === undefined || open.has(target)) return 1;
    const known = this.expandedSizes.get(target);
    if (known !== undefined) return known;
    open.add(target);
    let size = 1;
    if (isScalar(target)) size += typeof target.value === 'string' ? target.value.length : 0;
    else if (isMap(target)) {
      for (const pair of target.items) {
        size += this.expandedSize(pair.key, open) + this.expandedSize(pair.value, open);
        if (size > MAX_EXPANDED_VALUE) break;
      }
    } else if (isSeq(target)) {
      for (const item of target.items) {
        size += this.expandedSize(item, open);
        if (size > MAX_EXPANDED_VALUE) break;
      }
    }
    open.delete(target);
    this.expandedSizes.set(target, size);
    return size;
  }
}

function source(reader: Reader, node: Node | null): SourceRef {
  return { file: reader.file, line: reader.line(node) };
}

function readAuthorizer(
  reader: Reader,
  name: string,
  node: Node | null,
  parentLine: number,
): AuthorizerConfig | undefined {
  const path = `authorizers.${name}`;
  const probe = reader.map(node, path, undefined, parentLine);
  if (!probe) return undefined;
  const typeEntry = probe.get('type');
  if (!typeEntry) {
    reader.errorAt(parentLine, `${path}.type is required (one of ${AUTHORIZER_TYPES.join(', ')})`);
    return undefined;
  }
  const type = reader.oneOf(typeEntry.value, `${path}.type`, AUTHORIZER_TYPES, reader.line(typeEntry.key));
  if (!type) return undefined;
  const entries = reader.map(node, path, KEYS_BY_TYPE[type], parentLine);
  if (!entries) return undefined;
  const config: AuthorizerConfig = { name, type, source: source(reader, node) };
  const at = (key: string): { value: Node | null; line: number } | undefined => {
    const e = entries.get(key);
    return e ? { value: e.value, line: reader.line(e.key) } : undefined;
  };
  const identity = at('identitySource');
  if (identity) {
    const raw = reader.str(identity.value, `${path}.identitySource`, identity.line);
    if (raw !== undefined) {
      const header = headerFromIdentitySource(raw);
      if (header === undefined)
        reader.error(identity.value, `${path}.identitySource must be a header name such as Authorization`);
      else config.identitySource = header;
    }
  }
  const jwks = at('jwks');
  if (jwks) {
    const url = reader.url(jwks.value, `${path}.jwks`, jwks.line, true);
    if (url !== undefined) config.jwks = url;
  }
  const scopes = at('scopes');
  if (scopes) {
    const list = reader.strList(scopes.value, `${path}.scopes`, scopes.line);
    if (list) config.scopes = list;
  }
  const clientId = at('clientId');
  if (clientId) {
    const value = reader.str(clientId.value, `${path}.clientId`, clientId.line);
    if (value !== undefined) config.clientId = value;
  }
  if (type === 'cognito') readCognito(reader, path, parentLine, config, at);
  if (type === 'jwt') readJwt(reader, path, parentLine, config, at);
  if (type === 'lambda') readLambda(reader, path, parentLine, config, at);
  if (type === 'alb') readAlb(reader, path, parentLine, config, at);
  return config;
}

type At = (key: string) => { value: Node | null; line: number } | undefined;

function needJwks(
  reader: Reader,
  path: string,
  line: number,
  config: AuthorizerConfig,
  issuers: string[],
): void {
  if (config.jwks !== undefined) return;
  const foreign = issuers.filter((i) => !isCognitoIssuer(i));
  if (foreign.length > 0) {
    reader.errorAt(
      line,
      `${path}.jwks is required: ${foreign[0]} is not a Cognito user pool issuer, so its key URL is not derived`,
    );
  }
}

function readCognito(reader: Reader, path: string, line: number, config: AuthorizerConfig, at: At): void {
  const pools = at('userPools');
  const issuers = at('issuers');
  if (!pools && !issuers)
    reader.errorAt(line, `${path}.userPools (or issuers) is required for a cognito authorizer`);
  if (pools) {
    const list = reader.strList(pools.value, `${path}.userPools`, pools.line, true);
    if (list) {
      list.forEach((pool, i) => {
        if (!isUserPoolId(pool)) {
          reader.error(
            pools.value,
            `${path}.userPools[${i}] must be a user pool id like us-east-1_AbC123 (got ${JSON.stringify(pool)})`,
          );
        }
      });
      config.userPools = list;
    }
  }
  if (issuers && isSeq(issuers.value)) {
    const list: string[] = [];
    issuers.value.items.forEach((item, i) => {
      const url = reader.url(reader.resolve(item), `${path}.issuers[${i}]`, issuers.line, false);
      if (url !== undefined) list.push(url);
    });
    if (list.length === 0) reader.error(issuers.value, `${path}.issuers must not be empty`);
    config.issuers = list;
  } else if (issuers) {
    reader.error(issuers.value, `${path}.issuers must be a list of issuer URLs`, issuers.line);
  }
  readValidationRegex(reader, path, config, at);
  needJwks(reader, path, line, config, config.issuers ?? []);
}

/** `validationRegex` (cognito: matched against aud; Lambda TOKEN: against the header value). */
function readValidationRegex(reader: Reader, path: string, config: AuthorizerConfig, at: At): void {
  const regex = at('validationRegex');
  if (!regex) return;
  const value = reader.str(regex.value, `${path}.validationRegex`, regex.line);
  if (value === undefined) return;
  const compiled = compileUserRegex(value);
  if (compiled.ok) config.validationRegex = value;
  else if (compiled.reason === 'invalid')
    reader.error(regex.value, `${path}.validationRegex is ${compiled.message}`);
  else {
    // Valid for API Gateway (Java) but not evaluable here: kept, and the simulator's trace says so.
    config.validationRegex = value;
    reader.warn(
      'validation-regex-unsupported',
      regex.value,
      `${path}.validationRegex cannot be evaluated by the simulator: ${compiled.message}`,
      { authorizer: config.name },
    );
  }
}

function readJwt(reader: Reader, path: string, line: number, config: AuthorizerConfig, at: At): void {
  const issuer = at('issuer');
  if (!issuer) reader.errorAt(line, `${path}.issuer is required for a jwt authorizer`);
  else {
    const url = reader.url(issuer.value, `${path}.issuer`, issuer.line, false);
    if (url !== undefined) config.issuer = url;
  }
  const audience = at('audience');
  if (!audience)
    reader.errorAt(
      line,
      `${path}.audience is required for a jwt authorizer (list of accepted aud/client_id values)`,
    );
  else {
    const list = reader.strList(audience.value, `${path}.audience`, audience.line, true);
    if (list) config.audience = list;
  }
  if (config.issuer !== undefined) needJwks(reader, path, line, config, [config.issuer]);
}

function readLambda(reader: Reader, path: string, line: number, config: AuthorizerConfig, at: At): void {
  const verify = at('verify');
  if (verify) {
    const value = reader.str(verify.value, `${path}.verify`, verify.line);
    if (value !== undefined) config.verify = value;
  }
  const policy = at('policy');
  if (policy) config.policy = reader.toJs(policy.value, `${path}.policy`, policy.line);
  const context = at('context');
  if (context) {
    if (!isMap(context.value)) reader.error(context.value, `${path}.context must be a mapping`, context.line);
    else {
      const value = reader.toJs(context.value, `${path}.context`, context.line);
      if (value !== undefined) config.context = value as Record<string, unknown>;
    }
  }
  if (!verify && !policy) {
    reader.errorAt(
      line,
      `${path} needs policy (what the function returns) or verify (an authorizer the token must pass)`,
    );
  }
  const ttl = at('resultTtlSeconds');
  if (ttl) {
    const value = reader.num(ttl.value, `${path}.resultTtlSeconds`, 0, 3600, true, ttl.line);
    if (value !== undefined) config.resultTtlSeconds = value;
  }
  const lambdaType = at('lambdaType');
  if (lambdaType) {
    const value = reader.oneOf(
      lambdaType.value,
      `${path}.lambdaType`,
      ['TOKEN', 'REQUEST'] as const,
      lambdaType.line,
    );
    if (value !== undefined) config.lambdaType = value;
  }
  readLambdaSources(reader, path, config, at);
  readValidationRegex(reader, path, config, at);
  if (config.validationRegex !== undefined && config.lambdaType === 'REQUEST') {
    reader.warn(
      'validation-regex-ignored',
      at('validationRegex')?.value,
      `${path}.validationRegex applies to TOKEN authorizers only: AWS ignores it on a REQUEST authorizer`,
      { authorizer: config.name },
    );
  }
  const version = at('payloadFormatVersion');
  if (version) {
    // YAML reads an unquoted 2.0 as the number 2: both spellings mean the same version.
    const raw = isScalar(version.value) ? version.value.value : undefined;
    const text = typeof raw === 'number' ? raw.toFixed(1) : raw;
    if (text === '1.0' || text === '2.0') config.payloadFormatVersion = text;
    else reader.error(version.value, `${path}.payloadFormatVersion must be "1.0" or "2.0"`, version.line);
  }
  const simple = at('enableSimpleResponses');
  if (simple) {
    const raw = isScalar(simple.value) ? simple.value.value : undefined;
    if (typeof raw === 'boolean') config.enableSimpleResponses = raw;
    else reader.error(simple.value, `${path}.enableSimpleResponses must be true or false`, simple.line);
  }
  if (config.enableSimpleResponses === true && config.payloadFormatVersion === '1.0') {
    reader.errorAt(
      simple?.line ?? line,
      `${path}.enableSimpleResponses needs payloadFormatVersion "2.0" (simple responses exist only for payload 2.0)`,
    );
  }
}

/** `identitySources`: every AWS mapping expression the authorizer reads (any one missing: 401 without a call). */
function readLambdaSources(reader: Reader, path: string, config: AuthorizerConfig, at: At): void {
  const sources = at('identitySources');
  if (!sources) return;
  if (at('identitySource')) {
    reader.error(
      sources.value,
      `${path}: give identitySource (one header) or identitySources (a list of mapping expressions), not both`,
    );
    return;
  }
  const list = reader.strList(sources.value, `${path}.identitySources`, sources.line);
  if (!list) return;
  const valid = list.filter((text, i) => {
    if (parseIdentityExpression(text)) return true;
    reader.error(
      sources.value,
      `${path}.identitySources[${i}] ${JSON.stringify(text)} is not an identity source: use $request.header.X, $request.querystring.X, $stageVariables.X or $context.X (HTTP API), method.request.header.X, method.request.querystring.X, stageVariables.X or context.X (REST), or a header name`,
    );
    return false;
  });
  if (valid.length === list.length) config.identitySources = list;
}

function readAlb(reader: Reader, path: string, line: number, config: AuthorizerConfig, at: At): void {
  const arn = at('albArn');
  if (!arn) reader.errorAt(line, `${path}.albArn is required: the blob's signer must be checked against it`);
  else {
    const value = reader.str(arn.value, `${path}.albArn`, arn.line);
    if (value !== undefined && !isAlbArn(value)) {
      reader.error(
        arn.value,
        `${path}.albArn must be an application load balancer ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID)`,
      );
    } else if (value !== undefined) config.albArn = value;
  }
  const on = at('onUnauthenticatedRequest');
  if (on) {
    const value = reader.oneOf(
      on.value,
      `${path}.onUnauthenticatedRequest`,
      ['authenticate', 'deny', 'allow'] as const,
      on.line,
    );
    if (value !== undefined) config.onUnauthenticatedRequest = value;
  }
  const keyUrl = at('keyUrl');
  if (keyUrl) {
    const value = reader.url(keyUrl.value, `${path}.keyUrl`, keyUrl.line, true);
    if (value !== undefined) config.keyUrl = trimTrailingSlashes(value);
  }
  const endpoint = at('authorizationEndpoint');
  if (endpoint) {
    const value = reader.url(endpoint.value, `${path}.authorizationEndpoint`, endpoint.line, false);
    if (value !== undefined) config.authorizationEndpoint = value;
  }
}

/** Split "METHOD /path" or "$default" and check the template; ALB routes allow `*` and `?`. */
function parseRouteTemplate(
  text: string,
  alb: boolean,
): { ok: true; method: string; path: string } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '$default') return { ok: true, method: '$default', path: '$default' };
  const match = /^(\S+)\s+(\S+)$/.exec(trimmed);
  if (!match)
    return { ok: false, message: 'must look like "GET /orders/{id}", "ANY /{proxy+}" or "$default"' };
  const method = match[1] ?? '';
  const path = match[2] ?? '';
  if (!ROUTE_METHODS.includes(method))
    return {
      ok: false,
      message: `method must be one of ${ROUTE_METHODS.join(', ')} (got ${JSON.stringify(method)})`,
    };
  if (!path.startsWith('/'))
    return { ok: false, message: `path must start with "/" (got ${JSON.stringify(path)})` };
  if (alb) {
    if (/[{}]/.test(path)) return { ok: false, message: 'ALB path patterns use * and ?, not {param}' };
    return { ok: true, method, path };
  }
  if (/[*?]/.test(path))
    return {
      ok: false,
      message: '* and ? are ALB path patterns; API Gateway paths use {param} and {proxy+}',
    };
  const segments = path === '/' ? [] : path.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] ?? '';
    if (s === '') return { ok: false, message: `path has an empty segment: ${JSON.stringify(path)}` };
    if (/^\{[A-Za-z0-9._-]+\+\}$/.test(s)) {
      if (i !== segments.length - 1) return { ok: false, message: `${s} must be the last segment` };
    } else if (/[{}]/.test(s) && !/^\{[A-Za-z0-9._-]+\}$/.test(s)) {
      return { ok: false, message: `bad path parameter ${JSON.stringify(s)} (use {name} or {name+})` };
    }
  }
  return { ok: true, method, path };
}

function readRbac(
  reader: Reader,
  node: Node | null,
  path: string,
  parentLine: number,
): RbacPolicy | undefined {
  const entries = reader.map(node, path, ['groups', 'allGroups', 'scopes', 'claims'], parentLine);
  if (!entries) return undefined;
  const rbac: RbacPolicy = {};
  for (const key of ['groups', 'allGroups', 'scopes'] as const) {
    const e = entries.get(key);
    if (!e) continue;
    const list = reader.strList(e.value, `${path}.${key}`, reader.line(e.key));
    if (list) rbac[key] = list;
  }
  const claims = entries.get('claims');
  if (claims) {
    const map = reader.map(claims.value, `${path}.claims`, undefined, reader.line(claims.key));
    if (map) {
      const out: Record<string, string | string[]> = {};
      for (const [name, e] of map) {
        const valuePath = `${path}.claims.${name}`;
        const value = isSeq(e.value)
          ? reader.strList(e.value, valuePath, reader.line(e.key), true)
          : reader.str(e.value, valuePath, reader.line(e.key));
        if (value !== undefined)
          Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      }
      rbac.claims = out;
    }
  }
  return rbac;
}

function readRoute(
  reader: Reader,
  node: Node | null,
  index: number,
  authorizers: Record<string, AuthorizerConfig>,
  parentLine: number,
): RouteConfig | undefined {
  const path = `routes[${index}]`;
  const entries = reader.map(node, path, ['route', 'authorizer', 'scopes', 'rbac', 'apiKind'], parentLine);
  if (!entries) return undefined;
  const routeEntry = entries.get('route');
  const authEntry = entries.get('authorizer');
  if (!routeEntry) reader.error(node, `${path}.route is required ("METHOD /path" or "$default")`);
  if (!authEntry) reader.error(node, `${path}.authorizer is required (an authorizer name, none or iam)`);
  if (!routeEntry || !authEntry) return undefined;
  const routeText = reader.str(routeEntry.value, `${path}.route`, reader.line(routeEntry.key));
  const authName = reader.str(authEntry.value, `${path}.authorizer`, reader.line(authEntry.key));
  if (routeText === undefined || authName === undefined) return undefined;
  let authorizer: AuthorizerConfig | undefined;
  let authorizerType: RouteConfig['authorizerType'];
  if (authName === 'none' || authName === 'iam') authorizerType = authName;
  else {
    authorizer = Object.hasOwn(authorizers, authName) ? authorizers[authName] : undefined;
    if (!authorizer) {
      const known = Object.keys(authorizers);
      reader.error(
        authEntry.value,
        `${path}.authorizer ${JSON.stringify(authName)} is not defined under authorizers (known: ${known.length ? known.join(', ') : 'none'}; or use none, iam)`,
      );
      return undefined;
    }
    authorizerType = authorizer.type;
  }
  const alb = authorizerType === 'alb';
  const template = parseRouteTemplate(routeText, alb);
  if (!template.ok) {
    reader.error(routeEntry.value, `${path}.route ${template.message}`);
    return undefined;
  }
  const route: RouteConfig = {
    route: routeText.trim(),
    method: template.method,
    path: template.path,
    authorizer: authorizer ? authorizer.name : null,
    authorizerType,
    scopes: authorizer?.scopes ?? [],
    source: source(reader, node),
  };
  const apiKind = entries.get('apiKind');
  if (apiKind) {
    const value = reader.oneOf<ApiKind>(
      apiKind.value,
      `${path}.apiKind`,
      ['rest', 'http', 'alb'],
      reader.line(apiKind.key),
    );
    if (value !== undefined) {
      if ((value === 'alb') !== alb)
        reader.error(apiKind.value, `${path}.apiKind alb goes with alb authorizers only`);
      route.apiKind = value;
    }
  }
  const scopes = entries.get('scopes');
  if (scopes) {
    const list = reader.strList(scopes.value, `${path}.scopes`, reader.line(scopes.key));
    if (list) route.scopes = list;
  }
  const rbac = entries.get('rbac');
  if (rbac) {
    const value = readRbac(reader, rbac.value, `${path}.rbac`, reader.line(rbac.key));
    if (value) route.rbac = value;
  }
  // The same traps, ids and wording as in infrastructure files (config/traps.ts).
  reader.warnings.push(
    ...routeTraps(route, authorizer, reader.file, {
      lines: { scopes: scopes ? reader.line(scopes.value) : undefined },
    }),
  );
  return route;
}

// The first key written twice in one mapping (scalar keys compared by value, as yaml's uniqueKeys does).
function firstDuplicateKey(root: unknown): Node | undefined {
  const pending: unknown[] = [root];
  const seen = new Set<unknown>();
  for (let node = pending.pop(); node !== undefined || pending.length > 0; node = pending.pop()) {
    if (!isNode(node) || isAlias(node) || seen.has(node)) continue;
    seen.add(node);
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        const key: unknown = pair.key;
        const id = isScalar(key) ? key.value : key;
        if (keys.has(id)) return isNode(key) ? key : node;
        keys.add(id);
        pending.push(key, pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) pending.push(item);
  }
  return undefined;
}

/** Parse authdebug.yaml / authdebug.json (JSON is read by the same YAML parser, so lines are exact). */
export function parseConfigFile(fileName: string, text: string): ConfigResult {
  try {
    return parseConfigText(fileName, text);
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    return { ok: false, errors: [`${fileName}: not read: ${error.message}`] };
  }
}

function parseConfigText(fileName: string, text: string): ConfigResult {
  const lines = new LineCounter();
  // yaml's own uniqueKeys check compares every key with every other (quadratic); duplicateKeys is linear.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  if (doc.errors.length === 0) {
    const duplicate = firstDuplicateKey(doc.contents);
    if (duplicate) {
      const line = lines.linePos(duplicate.range?.[0] ?? 0).line;
      return { ok: false, errors: [`${fileName}:${line}: Map keys must be unique`] };
    }
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map(
        (e) => `${fileName}:${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0] ?? e.code}`,
      ),
    };
  }
  const reader = new Reader(fileName, doc, lines);
  const root = reader.map(reader.resolve(doc.contents), '', [
    'version',
    'defaults',
    'api',
    'authorizers',
    'routes',
  ]);
  if (!root)
    return { ok: false, errors: reader.errors.map((e) => e.replace(/:  must be/, ': the file must be')) };
  const version = root.get('version');
  if (!version) reader.error(doc.contents, 'version is required (version: 1)');
  else if (!isScalar(version.value) || version.value.value !== 1)
    reader.error(version.value, 'version must be 1', reader.line(version.key));

  let region: string | undefined;
  let clockSkewSeconds = 0;
  const defaults = root.get('defaults');
  if (defaults) {
    const entries = reader.map(
      defaults.value,
      'defaults',
      ['region', 'clockSkewSeconds'],
      reader.line(defaults.key),
    );
    const r = entries?.get('region');
    if (r) {
      const value = reader.str(r.value, 'defaults.region', reader.line(r.key));
      if (value !== undefined && !isAwsRegion(value))
        reader.error(r.value, 'defaults.region must be a region such as us-east-1');
      else region = value;
    }
    const skew = entries?.get('clockSkewSeconds');
    if (skew)
      clockSkewSeconds =
        reader.num(skew.value, 'defaults.clockSkewSeconds', 0, 300, false, reader.line(skew.key)) ?? 0;
  }

  let api: ApiCoordinates | undefined;
  const apiEntry = root.get('api');
  if (apiEntry) {
    const entries = reader.map(
      apiEntry.value,
      'api',
      ['region', 'accountId', 'apiId', 'stage', 'kind'],
      reader.line(apiEntry.key),
    );
    if (entries) {
      const get = (key: string, required: boolean): string | undefined => {
        const e = entries.get(key);
        if (!e) {
          if (required) reader.error(apiEntry.value, `api.${key} is required`);
          return undefined;
        }
        return reader.str(e.value, `api.${key}`, reader.line(e.key));
      };
      const apiRegion = get('region', false);
      if (apiRegion !== undefined && !isAwsRegion(apiRegion))
        reader.error(entries.get('region')?.value, 'api.region must be a region such as us-east-1');
      const accountId = get('accountId', true);
      if (accountId !== undefined && !/^\d{12}$/.test(accountId))
        reader.error(entries.get('accountId')?.value, 'api.accountId must be 12 digits');
      const apiId = get('apiId', true);
      const stage = get('stage', true);
      const kindEntry = entries.get('kind');
      const kind = kindEntry
        ? reader.oneOf<ApiKind>(kindEntry.value, 'api.kind', ['rest', 'http'], reader.line(kindEntry.key))
        : undefined;
      api = {
        region: apiRegion ?? region ?? 'us-east-1',
        accountId: accountId ?? '<accountId>',
        apiId: apiId ?? '<apiId>',
        stage: stage ?? '<stage>',
      };
      if (kind) api.kind = kind;
    }
  }

  const authorizers: Record<string, AuthorizerConfig> = {};
  const authEntry = root.get('authorizers');
  if (authEntry) {
    const entries = reader.map(authEntry.value, 'authorizers', undefined, reader.line(authEntry.key));
    for (const [name, e] of entries ?? []) {
      if (name === 'none' || name === 'iam') {
        reader.error(
          e.key,
          `authorizers.${name}: "${name}" is reserved for routes without a token authorizer`,
        );
        continue;
      }
      const config = readAuthorizer(reader, name, e.value, reader.line(e.key));
      if (config)
        Object.defineProperty(authorizers, name, {
          value: config,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    for (const config of Object.values(authorizers)) {
      if (config.verify === undefined) continue;
      const target = Object.hasOwn(authorizers, config.verify) ? authorizers[config.verify] : undefined;
      if (!target || (target.type !== 'cognito' && target.type !== 'jwt')) {
        reader.errors.push(
          `${fileName}:${config.source?.line ?? 1}: authorizers.${config.name}.verify must name a cognito or jwt authorizer (got ${JSON.stringify(config.verify)})`,
        );
      }
    }
  }

  const routes: RouteConfig[] = [];
  const routesEntry = root.get('routes');
  if (!routesEntry) reader.error(doc.contents, 'routes is required (a list of {route, authorizer})');
  else if (!isSeq(routesEntry.value))
    reader.error(routesEntry.value, 'routes must be a list', reader.line(routesEntry.key));
  else {
    const seen = new Map<string, number>();
    routesEntry.value.items.forEach((item, i) => {
      const node = reader.resolve(item);
      const route = readRoute(reader, node, i, authorizers, reader.line(routesEntry.value));
      if (!route) return;
      const key = `${route.method} ${route.path}`;
      const previous = seen.get(key);
      if (previous !== undefined)
        reader.error(
          node,
          `routes[${i}].route ${JSON.stringify(route.route)} duplicates routes[${previous}]`,
        );
      else seen.set(key, i);
      routes.push(route);
    });
  }

  // One API per file: its routes must agree on REST or HTTP API, explicitly or by what their authorizers imply.
  const apiRoutes = routes.filter((r) => r.apiKind !== 'alb' && r.authorizerType !== 'alb');
  const kinds = splitByApiKind(apiRoutes, api?.kind);
  if (!kinds.ok) {
    for (const problem of kinds.problems)
      reader.errors.push(`${fileName}:${problem.route.source?.line ?? 1}: ${problem.message}`);
  }

  const hasLambda = Object.values(authorizers).some((a) => a.type === 'lambda');
  if (!api) {
    api = { region: region ?? 'us-east-1', accountId: '<accountId>', apiId: '<apiId>', stage: '<stage>' };
    if (hasLambda) {
      reader.warnings.push(
        warning(
          'api-placeholders',
          `${fileName}:1: api (region, accountId, apiId, stage) is not set: method ARNs use placeholders`,
        ),
      );
    }
  }
  if (reader.errors.length > 0) return { ok: false, errors: reader.errors };
  return {
    ok: true,
    config: {
      version: 1,
      file: fileName,
      defaults: { region: region ?? api.region, clockSkewSeconds },
      api,
      authorizers,
      routes,
      warnings: sortBySourceLine(reader.warnings),
    },
  };
}
