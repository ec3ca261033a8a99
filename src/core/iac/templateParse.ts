// YAML/JSON template text -> plain values with intrinsic tags expanded and a line for every key.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { CollectionTag, Document, ScalarTag } from 'yaml';

/** A parsed template: plain JS values plus where each map key / list item was written. */
export interface ParsedTemplate {
  root: unknown;
  /** 1-based line of `key` inside `container` (or of the container itself without a key). */
  lineOf: (container: unknown, key?: string | number) => number | undefined;
  /** Syntax errors (the document may still be partly usable). */
  errors: { message: string; line: number }[];
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

const MAX_DEPTH = 200;

/** Parse YAML (CloudFormation short tags allowed) or JSON; never throws. */
export function parseTemplate(text: string): ParsedTemplate {
  const positions = new WeakMap<object, Positions>();
  const lineCounter = new LineCounter();
  const errors: { message: string; line: number }[] = [];
  let root: unknown;
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
    root = new Walker(doc, positions, lineAt).convert(doc.contents, 0);
  } catch (err) {
    errors.push({ message: err instanceof Error ? firstLine(err.message) : String(err), line: 1 });
    root = undefined;
  }
  return {
    root,
    errors,
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

function keyText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // Defined, not assigned: a `__proto__` key in a template must stay plain data.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const MAX_NODES = 2_000_000;

// Turns yaml nodes into plain values. Aliases reuse the anchored value (shared, converted once), so alias
// "bombs" stay linear; a node budget stops pathological inputs.
class Walker {
  private readonly anchored = new Map<object, unknown>();
  private readonly inProgress = new Set<object>();
  private nodes = 0;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly positions: WeakMap<object, Positions>,
    private readonly lineAt: (offset: number | undefined) => number,
  ) {}

  convert(node: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH || node === null || node === undefined) return null;
    if (++this.nodes > MAX_NODES) throw new Error('document too large or too deeply aliased');
    if (isAlias(node)) {
      const target: unknown = node.resolve(this.doc);
      if (typeof target !== 'object' || target === null || this.inProgress.has(target)) return null;
      if (this.anchored.has(target)) return this.anchored.get(target);
      return this.convert(target, depth + 1);
    }
    const anchor = typeof node === 'object' && (node as { anchor?: string }).anchor ? node : undefined;
    if (anchor) this.inProgress.add(anchor);
    try {
      const value = this.convertNode(node, depth);
      if (anchor) this.anchored.set(anchor, value);
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
          for (const k of Object.keys(merged)) if (!(k in out)) setKey(out, k, merged[k]);
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
