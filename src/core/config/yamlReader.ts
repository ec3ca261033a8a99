// YAML with line numbers: parse within a read budget, resolve aliases at their expanded cost, read typed values
// (each with its line) and collect every problem as "file:line: key message".
import type { Alias, Document, Node, Scalar } from 'yaml';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Warning, WarningSource } from '../findings.ts';
import { warning } from '../findings.ts';
import { ReadBudget } from './budget.ts';
import { aliasTargets } from './yamlAliases.ts';
import { checkKeyUrl } from '../keys/keyUrls.ts';
import type { SourceRef } from './model.ts';

/** A mapping entry's value and the line of its key. */
export type At = (key: string) => { value: Node | null; line: number } | undefined;

/** `policy` and `context` values: nodes plus characters, aliases counted at their expanded size. */
const MAX_EXPANDED_VALUE = 1_000_000;

/** Reads one parsed document: typed accessors, alias resolution paid from the budget, errors and warnings. */
export class Reader {
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

  /** Where a node is written, for findings that point back into the file. */
  source(node: Node | null): SourceRef {
    return { file: this.file, line: this.line(node) };
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

/** A parsed document with its line table, or the parser's errors (each "file:line: message"). */
export type ParsedYaml = { ok: true; doc: Document; lines: LineCounter } | { ok: false; errors: string[] };

/** Parse YAML (or JSON, which the same parser reads, so lines are exact); duplicate keys are an error. */
export function parseYamlWithLines(fileName: string, text: string): ParsedYaml {
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
  return { ok: true, doc, lines };
}
