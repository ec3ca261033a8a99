// `{{name}}` references of a `.http` file resolved to a value and where it came from: file variables, the selected
// environment, `.env` (`{{$dotenv NAME}}`), the process environment (`{{$processEnv NAME}}`, only when the caller
// passes a lookup: the workspace is trusted), and request variables (`{{login.response.body.$.x}}`: known only
// after that request is sent). Bounded: nesting depth, value length and a per-resolver work budget are capped,
// cycles are detected, and every result is data (never thrown).
import type { EnvironmentSource, HttpEnvironment } from './environments.ts';
import type { HttpFile, HttpFileVariable } from './parse.ts';

/** References nested deeper than this are not followed (a real file nests two or three levels). */
export const MAX_REFERENCE_DEPTH = 32;
/** An expanded value longer than this is not built (`{{a}}{{a}}` chains double at every level). */
export const MAX_EXPANDED_CHARS = 64 * 1024;
/** Work units (characters scanned + lookups) one resolver may spend in total; then results say `budget`. */
export const DEFAULT_WORK_BUDGET = 5_000_000;

/** Where a value was written. */
export type VariableOrigin =
  | { kind: 'file'; name: string; line: number }
  | { kind: 'environment'; name: string; environment: string; source: EnvironmentSource }
  | { kind: 'dotenv'; name: string; file: string }
  | { kind: 'process-env'; name: string };

/** Why a reference has no value. */
export type UnresolvedReason =
  'undefined' | 'cycle' | 'depth' | 'too-long' | 'budget' | 'untrusted' | 'no-dotenv' | 'unknown-system';

export type ReferenceResolution =
  /** `origin` is where the value was written; `via` the variables passed through on the way ({{token}} -> {{idToken}}). */
  | { status: 'resolved'; value: string; origin: VariableOrigin; via: VariableOrigin[] }
  /** A request variable: the value exists only after request `request` was sent. */
  | { status: 'after-request'; request: string; path: string; via: VariableOrigin[] }
  /** `{{$guid}}`, `{{$timestamp}}`...: a new value every time the request is sent. */
  | { status: 'dynamic'; name: string; via: VariableOrigin[] }
  | { status: 'unresolved'; name: string; reason: UnresolvedReason; via: VariableOrigin[] };

/** One `{{...}}` occurrence in a text, with offsets into that text. */
export interface ReferenceSpan {
  /** What is between the braces, trimmed. */
  expression: string;
  start: number;
  end: number;
}

export interface ExpandedText {
  /** The text with every resolved reference replaced; the others left as written. */
  text: string;
  /** True when every reference resolved to a fixed value. */
  complete: boolean;
  references: { span: ReferenceSpan; resolution: ReferenceResolution }[];
}

export interface HttpVariableContext {
  environment?: HttpEnvironment;
  /** The `.env` file next to the `.http` file, when there is one. */
  dotenv?: { file: string; values: ReadonlyMap<string, string> };
  /** Process environment lookup, given only in a trusted workspace (and by the CLI); absent = untrusted. */
  processEnv?: (name: string) => string | undefined;
  workBudget?: number;
}

/** Built-in dynamic variables of REST Client and JetBrains: their value changes on every send. */
const DYNAMIC = new Set([
  '$guid',
  '$uuid',
  '$randomint',
  '$timestamp',
  '$isotimestamp',
  '$datetime',
  '$localdatetime',
  '$aadtoken',
  '$aadv2token',
  '$oidcaccesstoken',
  '$exampleserver',
]);

/** Every `{{...}}` in `text`, left to right; an unclosed `{{` ends the scan. Linear: two indexOf per reference. */
export function referenceSpans(text: string, limit = Number.POSITIVE_INFINITY): ReferenceSpan[] {
  const spans: ReferenceSpan[] = [];
  let from = 0;
  while (spans.length < limit) {
    const open = text.indexOf('{{', from);
    if (open === -1) break;
    const close = text.indexOf('}}', open + 2);
    if (close === -1) break;
    spans.push({ expression: text.slice(open + 2, close).trim(), start: open, end: close + 2 });
    from = close + 2;
  }
  return spans;
}

/** `login.response.body.$.token` -> { request: 'login', path: 'response.body.$.token' } when it has that shape. */
function requestReference(expression: string): { request: string; path: string } | undefined {
  const dot = expression.indexOf('.');
  if (dot <= 0) return undefined;
  const rest = expression.slice(dot + 1);
  if (!/^(?:response|request)\.(?:body|headers)(?:\.|$)/.test(rest)) return undefined;
  return { request: expression.slice(0, dot), path: rest };
}

type Memo = { resolution: ReferenceResolution; exact: boolean };

/** Resolves references of one parsed file in one context. Reuse it for every lookup of that file (it memoizes). */
export class HttpVariableResolver {
  private readonly fileVariables = new Map<string, HttpFileVariable>();
  private readonly requestNames = new Set<string>();
  private readonly memo = new Map<string, Memo>();
  private readonly budget: number;
  /** Work spent so far (characters scanned and lookups), for tests and bounds. */
  work = 0;

  constructor(
    readonly file: HttpFile,
    private readonly context: HttpVariableContext = {},
  ) {
    // REST Client: a file variable is visible in the whole file; of duplicates the last definition wins.
    for (const variable of file.variables) this.fileVariables.set(variable.name, variable);
    for (const request of file.requests) if (request.name !== undefined) this.requestNames.add(request.name);
    this.budget = context.workBudget ?? DEFAULT_WORK_BUDGET;
  }

  /** The file variable `name` (its last definition), if defined. */
  fileVariable(name: string): HttpFileVariable | undefined {
    return this.fileVariables.get(name);
  }

  /** Resolve what is between `{{` and `}}`. */
  resolve(expression: string): ReferenceResolution {
    return this.resolveAt(expression.trim(), [], 0).resolution;
  }

  /** Expand every reference of `text` (a URL, a header value). */
  expand(text: string): ExpandedText {
    return this.expandAt(text, [], 0).expanded;
  }

  private spend(units: number): boolean {
    // Once over budget nothing more is counted or done: the counter stays within one step of the budget.
    if (this.work > this.budget) return false;
    this.work += units;
    return this.work <= this.budget;
  }

  /**
   * `stopAtOpen`: inside a variable's value the first reference without a value decides the answer, so the rest
   * are not resolved (without this, `{{a}}{{a}}` chains cut by the depth cap would be walked 2^depth times).
   */
  private expandAt(
    text: string,
    stack: string[],
    depth: number,
    stopAtOpen = false,
  ): { expanded: ExpandedText; exact: boolean; failure?: ReferenceResolution } {
    if (!this.spend(text.length + 1)) {
      return {
        expanded: { text, complete: false, references: [] },
        exact: false,
        failure: { status: 'unresolved', name: '', reason: 'budget', via: [] },
      };
    }
    const spans = referenceSpans(text);
    const references: ExpandedText['references'] = [];
    const parts: string[] = [];
    let copied = 0;
    let complete = true;
    let exact = true;
    let length = 0;
    for (const span of spans) {
      const { resolution, exact: spanExact } = this.resolveAt(span.expression, stack, depth);
      exact &&= spanExact;
      references.push({ span, resolution });
      parts.push(text.slice(copied, span.start));
      length += span.start - copied;
      if (resolution.status === 'resolved') {
        parts.push(resolution.value);
        length += resolution.value.length;
      } else {
        complete = false;
        if (stopAtOpen) return { expanded: { text, complete, references }, exact };
        parts.push(text.slice(span.start, span.end));
        length += span.end - span.start;
      }
      copied = span.end;
      if (length > MAX_EXPANDED_CHARS) {
        return {
          expanded: { text, complete: false, references },
          exact,
          failure: { status: 'unresolved', name: span.expression, reason: 'too-long', via: [] },
        };
      }
    }
    parts.push(text.slice(copied));
    length += text.length - copied;
    if (length > MAX_EXPANDED_CHARS) {
      return {
        expanded: { text, complete: false, references },
        exact,
        failure: { status: 'unresolved', name: '', reason: 'too-long', via: [] },
      };
    }
    return { expanded: { text: parts.join(''), complete, references }, exact };
  }

  /** A value that may itself hold references, from `origin`. */
  private valueFrom(value: string, origin: VariableOrigin, stack: string[], depth: number): Memo {
    const inner = this.expandAt(value, stack, depth + 1, true);
    if (inner.failure) return { resolution: { ...inner.failure, via: [origin] }, exact: inner.exact };
    const references = inner.expanded.references;
    // The first reference that did not resolve is the answer (a token built from a request variable is pending).
    const blocking = references.find((r) => r.resolution.status !== 'resolved');
    if (blocking) {
      return {
        resolution: { ...blocking.resolution, via: chain(origin, blocking.resolution.via) },
        exact: inner.exact,
      };
    }
    const only = references.length === 1 ? references[0] : undefined;
    // "@token = {{idToken}}": the value comes from where {{idToken}}'s did; `via` keeps the way there.
    if (
      only &&
      only.span.start === 0 &&
      only.span.end === value.length &&
      only.resolution.status === 'resolved'
    ) {
      const found = only.resolution;
      return {
        resolution: {
          status: 'resolved',
          value: found.value,
          origin: found.origin,
          via: chain(origin, found.via),
        },
        exact: inner.exact,
      };
    }
    return {
      resolution: { status: 'resolved', value: inner.expanded.text, origin, via: [] },
      exact: inner.exact,
    };
  }

  private resolveAt(expression: string, stack: string[], depth: number): Memo {
    const cached = this.memo.get(expression);
    if (cached) {
      this.spend(1);
      return cached;
    }
    // Failures cut short by the budget, the depth cap or a cycle depend on where the walk started: not remembered.
    if (!this.spend(expression.length + 1)) return failure(expression, 'budget', false);
    if (depth > MAX_REFERENCE_DEPTH) return failure(expression, 'depth', false);
    if (stack.includes(expression)) return failure(expression, 'cycle', false);
    stack.push(expression);
    const result = this.lookup(expression, stack, depth);
    stack.pop();
    if (result.exact) this.memo.set(expression, result);
    return result;
  }

  private fromFile(expression: string, stack: string[], depth: number): Memo | undefined {
    const variable = this.fileVariables.get(expression);
    if (!variable) return undefined;
    return this.valueFrom(
      variable.value,
      { kind: 'file', name: expression, line: variable.line },
      stack,
      depth,
    );
  }

  private fromEnvironment(expression: string, stack: string[], depth: number): Memo | undefined {
    const entry = this.context.environment?.variables.get(expression);
    if (!entry) return undefined;
    const origin: VariableOrigin = {
      kind: 'environment',
      name: expression,
      environment: entry.environment,
      source: entry.source,
    };
    return this.valueFrom(entry.value, origin, stack, depth);
  }

  private lookup(expression: string, stack: string[], depth: number): Memo {
    if (expression.startsWith('$')) return this.system(expression, stack, depth);
    // REST Client: request > file > environment. JetBrains: environment > in-place (file) variables.
    const found =
      this.context.environment?.format === 'jetbrains'
        ? (this.fromEnvironment(expression, stack, depth) ?? this.fromFile(expression, stack, depth))
        : (this.fromFile(expression, stack, depth) ?? this.fromEnvironment(expression, stack, depth));
    if (found) return found;
    const request = requestReference(expression);
    if (request && this.requestNames.has(request.request)) {
      return { resolution: { status: 'after-request', ...request, via: [] }, exact: true };
    }
    return {
      resolution: { status: 'unresolved', name: expression, reason: 'undefined', via: [] },
      exact: true,
    };
  }

  private system(expression: string, stack: string[], depth: number): Memo {
    const space = expression.search(/\s/);
    const head = (space === -1 ? expression : expression.slice(0, space)).toLowerCase();
    const argument = space === -1 ? '' : expression.slice(space + 1).trim();
    const missing = (reason: UnresolvedReason): Memo => ({
      resolution: { status: 'unresolved', name: expression, reason, via: [] },
      exact: true,
    });
    if (head === '$shared') {
      const entry = this.context.environment?.shared.get(argument);
      if (!entry) return missing('undefined');
      const origin: VariableOrigin = {
        kind: 'environment',
        name: argument,
        environment: entry.environment,
        source: entry.source,
      };
      return this.valueFrom(entry.value, origin, stack, depth);
    }
    if (head === '$dotenv') {
      const dotenv = this.context.dotenv;
      if (!dotenv) return missing('no-dotenv');
      const name = this.indirectName(argument, stack, depth);
      if (name === undefined) return missing('undefined');
      const value = dotenv.values.get(name);
      if (value === undefined) return missing('undefined');
      return this.valueFrom(value, { kind: 'dotenv', name, file: dotenv.file }, stack, depth);
    }
    if (head === '$processenv' || head.startsWith('$env.')) {
      const lookup = this.context.processEnv;
      if (!lookup) return missing('untrusted');
      const name = head.startsWith('$env.')
        ? expression.slice('$env.'.length)
        : this.indirectName(argument, stack, depth);
      if (name === undefined || name === '') return missing('undefined');
      let value: string | undefined;
      try {
        value = lookup(name);
      } catch {
        value = undefined;
      }
      if (value === undefined) return missing('undefined');
      // Process values are used as they are: REST Client does not expand references inside them.
      return {
        resolution: { status: 'resolved', value, origin: { kind: 'process-env', name }, via: [] },
        exact: true,
      };
    }
    if (DYNAMIC.has(head) || head.startsWith('$random')) {
      return { resolution: { status: 'dynamic', name: head, via: [] }, exact: true };
    }
    return missing('unknown-system');
  }

  /** `NAME`, or for REST Client's `%NAME` the value of the environment variable NAME. */
  private indirectName(argument: string, stack: string[], depth: number): string | undefined {
    if (!argument.startsWith('%')) return argument === '' ? undefined : argument;
    const resolved = this.resolveAt(argument.slice(1), stack, depth + 1).resolution;
    return resolved.status === 'resolved' ? resolved.value : undefined;
  }
}

function failure(name: string, reason: UnresolvedReason, exact: boolean): Memo {
  return { resolution: { status: 'unresolved', name, reason, via: [] }, exact };
}

/** At most this many variables are listed on the way to a value (a long chain would make every lookup O(chain)). */
const MAX_VIA = 8;

function chain(first: VariableOrigin, rest: readonly VariableOrigin[]): VariableOrigin[] {
  return rest.length < MAX_VIA ? [first, ...rest] : [first, ...rest.slice(0, MAX_VIA - 1)];
}

/** "file variable token (line 3)", "environment dev (http-client.env.json)", ".env (.env)", "process environment". */
export function describeOrigin(origin: VariableOrigin): string {
  switch (origin.kind) {
    case 'file':
      return `file variable @${origin.name} (line ${origin.line + 1})`;
    case 'environment':
      return origin.source === 'rest-client.environmentVariables'
        ? `environment ${origin.environment} in rest-client.environmentVariables`
        : `environment ${origin.environment} in ${origin.source}`;
    case 'dotenv':
      return `${origin.name} in ${origin.file}`;
    case 'process-env':
      return `process environment variable ${origin.name}`;
  }
}

/** A resolution in words, for hovers, diagnostics and the CLI. */
export function describeResolution(resolution: ReferenceResolution): string {
  const chain = resolution.via.length > 0 ? ` (via ${resolution.via.map(describeOrigin).join(' -> ')})` : '';
  switch (resolution.status) {
    case 'resolved':
      return `from ${describeOrigin(resolution.origin)}${resolution.via.length > 1 ? chain : ''}`;
    case 'after-request':
      return `known only after request ${resolution.request} is sent (${resolution.path})${chain}`;
    case 'dynamic':
      return `${resolution.name} changes every time the request is sent${chain}`;
    case 'unresolved':
      return `${unresolvedText(resolution.name, resolution.reason)}${chain}`;
  }
}

function unresolvedText(name: string, reason: UnresolvedReason): string {
  switch (reason) {
    case 'undefined':
      return `{{${name}}} is not defined in this file or the selected environment`;
    case 'cycle':
      return `{{${name}}} refers to itself (a cycle of variables)`;
    case 'depth':
      return `{{${name}}} nests more than ${MAX_REFERENCE_DEPTH} references deep: not followed`;
    case 'too-long':
      return `{{${name}}} expands to more than ${MAX_EXPANDED_CHARS / 1024} KiB: not built`;
    case 'budget':
      return 'the file has too many references to resolve: stopped';
    case 'untrusted':
      return `{{${name}}} reads the process environment, which is used only in a trusted workspace (authdbg http: --process-env)`;
    case 'no-dotenv':
      return `{{${name}}} reads a .env file, and there is none next to this file`;
    case 'unknown-system':
      return `{{${name}}} is not a system variable this extension knows`;
  }
}
