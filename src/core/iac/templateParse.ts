// YAML/JSON template text -> plain values with intrinsic tags expanded and a line for every key.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Alias, CollectionTag, Node, ScalarTag } from 'yaml';
import { BudgetExceeded, ReadBudget } from '../config/budget.ts';
import { aliasTargets } from '../config/yamlAliases.ts';

/** A parsed template: plain JS values plus where each map key / list item was written. */
export interface ParsedTemplate {
  root: unknown;
  /** 1-based line of `key` inside `container` (or of the container itself without a key). */
  lineOf: (container: unknown, key?: string | number) => number | undefined;
  /** Syntax errors (the document may still be partly usable). */
  errors: { message: string; line: number }[];
  /** Why reading stopped when the document exceeded its work budget (then `root` is undefined). */
  tooComplex?: string;
}

/** Short-form CloudFormation tags, each expanded to its long form (`!Ref X` -> `{Ref: X}`). */
const INTRINSIC_TAGS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'If',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'ImportValue',
  'Equals',
  'Not',
  'And',
  'Or',
  'Base64',
  'Cidr',
  'GetAZs',
  'Transform',
  'Length',
  'ToJsonString',
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'RefAll',
  'ValueOf',
  'ValueOfAll',
] as const;

// Identity resolvers: the tag stays on the node and the walker below expands it, keeping line numbers.
const CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = INTRINSIC_TAGS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value },
]);

interface Positions {
  start: number;
  keys: Map<string | number, number>;
}

/** Parse YAML (CloudFormation short tags allowed) or JSON under a work budget; never throws. */
export function parseTemplate(text: string, budget: ReadBudget = new ReadBudget()): ParsedTemplate {
  const positions = new WeakMap<object, Positions>();
  const lineCounter = new LineCounter();
  const errors: { message: string; line: number }[] = [];
  let root: unknown;
  let tooComplex: string | undefined;
  try {
    const doc = parseDocument(text, {
      lineCounter,
      customTags: CUSTOM_TAGS,
      uniqueKeys: false,
      prettyErrors: false,
      strict: false,
    });
    for (const err of doc.errors) {
      const offset = err.pos[0];
      errors.push({ message: firstLine(err.message), line: lineCounter.linePos(offset).line });
    }
    const lineAt = (offset: number | undefined): number =>
      offset === undefined ? 0 : lineCounter.linePos(offset).line;
    root = new Walker(aliasTargets(doc.contents), positions, lineAt, budget).convert(doc.contents, 0);
  } catch (err) {
    if (err instanceof BudgetExceeded) tooComplex = err.message;
    else errors.push({ message: err instanceof Error ? firstLine(err.message) : String(err), line: 1 });
    root = undefined;
  }
  return {
    root,
    errors,
    ...(tooComplex !== undefined ? { tooComplex } : {}),
    lineOf: (container, key) => {
      if (typeof container !== 'object' || container === null) return undefined;
      const pos = positions.get(container);
      if (!pos) return undefined;
      if (key === undefined) return pos.start || undefined;
      return pos.keys.get(key) || undefined;
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

// Templates only use scalar keys; a collection used as a key is named, not serialised (an aliased one could be huge).
function keyText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return '';
  return Array.isArray(value) ? '[list key]' : '{mapping key}';
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // Defined, not assigned: a `__proto__` key in a template must stay plain data.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// Turns yaml nodes into plain values. Aliases reuse the anchored value (shared, converted once), but count
// at the expanded size of their target: whoever walks the result later walks the expansion.
class Walker {
  private readonly anchored = new Map<object, { value: unknown; expandedSize: number }>();
  private readonly inProgress = new Set<object>();

  constructor(
    private readonly aliases: ReadonlyMap<Alias, Node>,
    private readonly positions: WeakMap<object, Positions>,
    private readonly lineAt: (offset: number | undefined) => number,
    private readonly budget: ReadBudget,
  ) {}

  convert(node: unknown, depth: number): unknown {
    if (node === null || node === undefined) return null;
    this.budget.enter(depth, 'document');
    if (isAlias(node)) {
      const target = this.aliases.get(node);
      if (target === undefined || this.inProgress.has(target)) return null;
      const done = this.anchored.get(target);
      if (done) {
        this.budget.addNodes(done.expandedSize);
        return done.value;
      }
      return this.convert(target, depth + 1);
    }
    this.budget.addNodes(1);
    const anchor = typeof node === 'object' && (node as { anchor?: string }).anchor ? node : undefined;
    if (anchor) this.inProgress.add(anchor);
    const before = this.budget.nodes;
    try {
      const value = this.convertNode(node, depth);
      if (anchor) this.anchored.set(anchor, { value, expandedSize: this.budget.nodes - before + 1 });
      return value;
    } finally {
      if (anchor) this.inProgress.delete(anchor);
    }
  }

  private convertNode(node: unknown, depth: number): unknown {
    let value: unknown;
    const start = rangeStart(node);
    if (isScalar(node)) {
      value = node.value;
      // `2.0` written in a template is a version string to CloudFormation, not the number 2.
      if (
        typeof value === 'number' &&
        node.source &&
        /^[-+]?\d+\.\d+$/.test(node.source) &&
        String(value) !== node.source
      ) {
        value = node.source;
      }
    } else if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const keys = new Map<string | number, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key;
        const key = keyText(isScalar(keyNode) ? keyNode.value : this.convert(keyNode, depth + 1));
        const child = this.convert(pair.value, depth + 1);
        if (key === '<<' && typeof child === 'object' && child !== null && !Array.isArray(child)) {
          const merged = child as Record<string, unknown>;
          for (const k of Object.keys(merged)) if (!Object.hasOwn(out, k)) setKey(out, k, merged[k]);
          continue;
        }
        setKey(out, key, child);
        keys.set(key, this.lineAt(rangeStart(keyNode) ?? start));
      }
      this.positions.set(out, { start: this.lineAt(start), keys });
      value = out;
    } else if (isSeq(node)) {
      const out: unknown[] = [];
      const keys = new Map<string | number, number>();
      node.items.forEach((item, index) => {
        out.push(this.convert(item, depth + 1));
        keys.set(index, this.lineAt(rangeStart(item) ?? start));
      });
      this.positions.set(out, { start: this.lineAt(start), keys });
      value = out;
    } else {
      return null;
    }
    const tag = (node as { tag?: string }).tag;
    return tag && tag.startsWith('!') && !tag.startsWith('!!')
      ? expandTag(tag.slice(1), value, this.positions, this.lineAt(start))
      : value;
  }
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  return (node as { range?: [number, number, number] }).range?.[0];
}

function expandTag(
  name: string,
  value: unknown,
  positions: WeakMap<object, Positions>,
  line: number,
): unknown {
  if (!(INTRINSIC_TAGS as readonly string[]).includes(name)) return value;
  let expanded: Record<string, unknown>;
  if (name === 'Ref' || name === 'Condition') expanded = { [name]: value };
  else if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    expanded = { 'Fn::GetAtt': dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  } else expanded = { [`Fn::${name}`]: value };
  positions.set(expanded, { start: line, keys: new Map([[Object.keys(expanded)[0] ?? '', line]]) });
  return expanded;
}
