// CloudFormation intrinsic functions resolved as far as a template alone allows; the rest become readable placeholders.
import { ReadBudget } from '../config/budget.ts';
import { isObj, own, setOwn } from './objects.ts';
import type { Obj } from './objects.ts';

/** Pseudo parameters: known only at deploy time, so always left as `${AWS::Region}`-style placeholders. */
export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** A resolved value still carries a `${...}` placeholder (unresolved intrinsic, pseudo parameter or template variable). */
export function isPlaceholder(value: string): boolean {
  return value.includes('${');
}

/** True for `{Ref: ...}` / `{"Fn::...": ...}` single-key objects. */
export function isIntrinsic(value: unknown): value is Obj {
  if (!isObj(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] ?? '').startsWith('Fn::'));
}

const MAX_BRANCH_CHAIN = 50;

/**
 * Resolves intrinsics against one template's Parameters (their Default), Mappings, Conditions and Resources.
 * Every step is paid from the file's budget; named conditions and `Fn::Sub` results are memoised, so a file
 * that references the same condition or variable many times costs each once.
 */
export class IntrinsicResolver {
  private readonly parameters: Obj;
  private readonly resources: Obj;
  private readonly mappings: Obj;
  private readonly conditions: Obj;
  private readonly evaluating = new Set<string>();
  private readonly conditionResults = new Map<string, boolean | undefined>();
  private readonly subResults = new WeakMap<object, string>();

  constructor(
    template: unknown,
    readonly budget: ReadBudget = new ReadBudget(),
  ) {
    this.parameters = asObj(own(template, 'Parameters'));
    this.resources = asObj(own(template, 'Resources'));
    this.mappings = asObj(own(template, 'Mappings'));
    this.conditions = asObj(own(template, 'Conditions'));
  }

  /** The resource declared under a logical id, if any. */
  resource(logicalId: string): Obj | undefined {
    const value = own(this.resources, logicalId);
    return isObj(value) ? value : undefined;
  }

  /** The `Type` of a declared resource. */
  resourceType(logicalId: string): string | undefined {
    const type = own(this.resource(logicalId), 'Type');
    return typeof type === 'string' ? type : undefined;
  }

  /** The logical id a `{Ref: X}` points at (no resolution). */
  refTarget(value: unknown): string | undefined {
    const ref = own(value, 'Ref');
    return isObj(value) && typeof ref === 'string' ? ref : undefined;
  }

  /** `[logicalId, attribute]` of a `Fn::GetAtt`, in list or dotted form. */
  getAtt(value: unknown): [string, string] | undefined {
    if (!isIntrinsic(value)) return undefined;
    const arg = own(value, 'Fn::GetAtt');
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      return dot === -1 ? undefined : [arg.slice(0, dot), arg.slice(dot + 1)];
    }
    if (Array.isArray(arg) && typeof arg[0] === 'string') {
      const attr: unknown = arg[1];
      return [arg[0], typeof attr === 'string' ? attr : ''];
    }
    return undefined;
  }

  /** Picks the branch of a structural `Fn::If` (a whole block under a condition); unknown conditions take the first branch. */
  branch(value: unknown): unknown {
    let current = value;
    for (let i = 0; i < MAX_BRANCH_CHAIN && isIntrinsic(current) && Object.hasOwn(current, 'Fn::If'); i++) {
      const args = own(current, 'Fn::If');
      if (!Array.isArray(args) || args.length < 3) return undefined;
      const chosen: unknown = this.condition(args[0]) === false ? args[2] : args[1];
      if (this.refTarget(chosen) === 'AWS::NoValue') return undefined;
      current = chosen;
    }
    return current;
  }

  /** Fully resolved value; unresolvable parts become placeholder strings; `AWS::NoValue` becomes undefined. */
  resolve(value: unknown, depth = 0): unknown {
    this.budget.enter(depth, 'resolution');
    this.budget.step();
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(item, depth + 1)).filter((item) => item !== undefined);
    }
    if (isIntrinsic(value)) {
      const result = this.intrinsic(value, depth + 1);
      if (typeof result === 'string') this.budget.addChars(result.length);
      return result;
    }
    if (typeof value === 'string') this.budget.addChars(value.length);
    if (isObj(value)) {
      const out: Obj = {};
      for (const [key, item] of Object.entries(value)) {
        const resolved = this.resolve(item, depth + 1);
        if (resolved !== undefined) setOwn<unknown>(out, key, resolved);
      }
      return out;
    }
    return value === null ? undefined : value;
  }

  /** A scalar as text (numbers and booleans stringified); undefined for absent values, lists and mappings. */
  text(value: unknown, depth = 0): string | undefined {
    const resolved = this.resolve(value, depth);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    return undefined;
  }

  /** A list of texts; a single string counts as a one-item list, a List-typed parameter's default is split on commas. */
  list(value: unknown): string[] | undefined {
    const resolved = this.resolve(value);
    if (Array.isArray(resolved)) {
      return resolved.flatMap((item) => {
        const text = this.text(item);
        return text === undefined ? [] : [text];
      });
    }
    if (typeof resolved === 'string') return this.splitListParameter(value, resolved) ?? [resolved];
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return [String(resolved)];
    return undefined;
  }

  // The default of a CommaDelimitedList / List<...> parameter is one string; a Ref to it means the list.
  private splitListParameter(value: unknown, resolved: string): string[] | undefined {
    const ref = this.refTarget(value);
    const paramType = ref ? own(own(this.parameters, ref), 'Type') : undefined;
    if (typeof paramType !== 'string' || !paramType.includes('List') || isPlaceholder(resolved))
      return undefined;
    return resolved.split(',').map((part) => part.trim());
  }

  /** Evaluates a condition (name or `Fn::Equals`/`Not`/`And`/`Or` expression); undefined when it depends on deploy-time values. */
  condition(expr: unknown, depth = 0): boolean | undefined {
    this.budget.enter(depth, 'resolution');
    this.budget.step();
    if (typeof expr === 'boolean') return expr;
    if (typeof expr === 'string') {
      if (this.conditionResults.has(expr)) return this.conditionResults.get(expr);
      if (this.evaluating.has(expr) || !Object.hasOwn(this.conditions, expr)) return undefined;
      this.evaluating.add(expr);
      try {
        const result = this.condition(this.conditions[expr], depth + 1);
        this.conditionResults.set(expr, result);
        return result;
      } finally {
        this.evaluating.delete(expr);
      }
    }
    if (!isObj(expr)) return undefined;
    if (Object.hasOwn(expr, 'Condition')) return this.condition(expr.Condition, depth + 1);
    const equals = own(expr, 'Fn::Equals');
    if (Array.isArray(equals)) {
      const a = this.text(equals[0], depth + 1);
      const b = this.text(equals[1], depth + 1);
      if (a === undefined || b === undefined || isPlaceholder(a) || isPlaceholder(b)) return undefined;
      return a === b;
    }
    const not = own(expr, 'Fn::Not');
    if (Array.isArray(not)) {
      const inner = this.condition(not[0], depth + 1);
      return inner === undefined ? undefined : !inner;
    }
    for (const [key, isAnd] of [
      ['Fn::And', true],
      ['Fn::Or', false],
    ] as const) {
      const args = own(expr, key);
      if (!Array.isArray(args)) continue;
      const values = args.map((arg) => this.condition(arg, depth + 1));
      if (values.includes(!isAnd)) return !isAnd;
      return values.every((v) => v === isAnd) ? isAnd : undefined;
    }
    return undefined;
  }

  private intrinsic(value: Obj, depth: number): unknown {
    const [name, arg] = Object.entries(value)[0] ?? ['', undefined];
    switch (name) {
      case 'Ref':
        return this.ref(arg);
      case 'Fn::GetAtt': {
        const target = this.getAtt(value);
        return target ? `\${GetAtt:${target[0]}.${target[1]}}` : '${GetAtt:?}';
      }
      case 'Fn::Sub':
        return this.sub(arg, depth);
      case 'Fn::Join':
        return this.join(arg, depth);
      case 'Fn::Select':
        return this.select(arg, depth);
      case 'Fn::Split':
        return this.split(arg, depth);
      case 'Fn::If':
        return this.ifValue(arg, depth);
      case 'Fn::FindInMap':
        return this.findInMap(arg, depth);
      case 'Fn::ImportValue':
        return `\${ImportValue:${this.text(arg, depth) ?? '?'}}`;
      case 'Fn::Base64':
        return `\${Base64:${this.text(arg, depth) ?? '?'}}`;
      case 'Fn::GetAZs':
        return `\${GetAZs:${this.text(arg, depth) || '${AWS::Region}'}}`;
      case 'Fn::Cidr':
        return `\${Cidr:${describe(this.resolve(arg, depth))}}`;
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or': {
        const result = this.condition(value, depth);
        return result === undefined ? `\${${name.slice(4)}:${describe(this.resolve(arg, depth))}}` : result;
      }
      default:
        return `\${${name.replace(/^Fn::/, '')}:${describe(this.resolve(arg, depth))}}`;
    }
  }

  private ref(name: unknown): unknown {
    if (typeof name !== 'string') return '${Ref:?}';
    if (name === 'AWS::NoValue') return undefined;
    if (PSEUDO_PARAMETERS.has(name)) return `\${${name}}`;
    const param = own(this.parameters, name);
    if (isObj(param)) {
      const fallback = own(param, 'Default');
      const type = own(param, 'Type');
      const fromSsm = typeof type === 'string' && type.startsWith('AWS::SSM::');
      if (!fromSsm && (typeof fallback === 'string' || typeof fallback === 'number')) return fallback;
      return `\${Ref:${name}}`;
    }
    const resource = this.resource(name);
    if (resource && own(resource, 'Type') === 'AWS::Cognito::UserPoolDomain') {
      // Ref of a user pool domain is its prefix: known when written literally.
      const domain = own(own(resource, 'Properties'), 'Domain');
      if (typeof domain === 'string') return domain;
    }
    return `\${Ref:${name}}`;
  }

  private parameterText(name: string): string | undefined {
    if (!Object.hasOwn(this.parameters, name)) return undefined;
    const resolved = this.ref(name);
    return typeof resolved === 'string' || typeof resolved === 'number' ? String(resolved) : undefined;
  }

  // Memoised per `Fn::Sub` argument and per variable: `${V}` written k times resolves V once.
  private sub(arg: unknown, depth: number): string {
    const memoKey = typeof arg === 'object' && arg !== null ? arg : undefined;
    const memo = memoKey && this.subResults.get(memoKey);
    if (memo !== undefined) return memo;
    const out = this.substitute(arg, depth);
    if (memoKey) this.subResults.set(memoKey, out);
    return out;
  }

  private substitute(arg: unknown, depth: number): string {
    let template: unknown = arg;
    let vars: Obj = {};
    if (Array.isArray(arg)) {
      template = arg[0];
      vars = asObj(arg[1]);
    }
    if (typeof template !== 'string') return '${Sub:?}';
    let unresolved = false;
    const variables = new Map<string, string | undefined>();
    const variable = (name: string): string | undefined => {
      if (!variables.has(name)) variables.set(name, this.text(vars[name], depth + 1));
      return variables.get(name);
    };
    // `${...}` ends at the first `}`; one forward scan (no regex), and every piece is paid for before it is added.
    const substituted = (whole: string, inner: string): string => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`; // `${!Literal}` is the escape for a literal `${Literal}`
      const name = inner.trim();
      if (Object.hasOwn(vars, name)) {
        const text = variable(name);
        if (text === undefined) {
          unresolved = true;
          return whole;
        }
        if (isPlaceholder(text)) unresolved = true;
        return text;
      }
      if (!PSEUDO_PARAMETERS.has(name) && !name.includes('.')) {
        const param = this.parameterText(name);
        if (param !== undefined && !isPlaceholder(param)) return param;
      }
      unresolved = true;
      return whole;
    };
    let out = '';
    let position = 0;
    for (;;) {
      const open = template.indexOf('${', position);
      const close = open === -1 ? -1 : template.indexOf('}', open + 2);
      if (close === -1) break;
      const piece = substituted(template.slice(open, close + 1), template.slice(open + 2, close));
      this.budget.step();
      this.budget.addChars(open - position + piece.length);
      out += template.slice(position, open) + piece;
      position = close + 1;
    }
    out += template.slice(position);
    return unresolved ? `\${Sub:${out}}` : out;
  }

  private join(arg: unknown, depth: number): string {
    if (!Array.isArray(arg)) return '${Join:?}';
    const separator = this.text(arg[0], depth) ?? '';
    const items = this.resolve(arg[1], depth);
    if (!Array.isArray(items)) return `\${Join:${separator}:${describe(items)}}`;
    const parts = items.map((item) => (typeof item === 'string' ? item : describe(item)));
    // Paid before joining: the parts may be one long string repeated.
    this.budget.addChars(parts.reduce((sum, part) => sum + part.length + separator.length, 0));
    return parts.join(separator);
  }

  private select(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg)) return '${Select:?}';
    const index = Number(this.text(arg[0], depth));
    const resolved = this.resolve(arg[1], depth);
    const items =
      typeof resolved === 'string' ? (this.splitListParameter(arg[1], resolved) ?? resolved) : resolved;
    if (Array.isArray(items) && Number.isInteger(index) && index >= 0 && index < items.length) {
      return items[index] as unknown;
    }
    return `\${Select:${Number.isNaN(index) ? '?' : index}:${describe(items)}}`;
  }

  private split(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg)) return '${Split:?}';
    const delimiter = this.text(arg[0], depth) ?? '';
    const source = this.text(arg[1], depth);
    if (source !== undefined && delimiter !== '' && !isPlaceholder(source)) return source.split(delimiter);
    return `\${Split:${delimiter}:${source ?? '?'}}`;
  }

  private ifValue(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg) || arg.length < 3) return '${If:?}';
    const name = typeof arg[0] === 'string' ? arg[0] : '?';
    const result = this.condition(name, depth);
    if (result !== undefined) return this.resolve(result ? arg[1] : arg[2], depth);
    const show = (branch: unknown): string => {
      const resolved = this.resolve(branch, depth);
      return resolved === undefined ? '(no value)' : describe(resolved);
    };
    return `\${If:${name} ? ${show(arg[1])} : ${show(arg[2])}}`;
  }

  private findInMap(arg: unknown, depth: number): unknown {
    if (!Array.isArray(arg)) return '${FindInMap:?}';
    const keys = arg.slice(0, 3).map((part) => this.text(part, depth) ?? '?');
    const [map = '?', top = '?', second = '?'] = keys;
    const found = own(own(own(this.mappings, map), top), second);
    if (found !== undefined && !keys.some(isPlaceholder)) return found;
    const fallback = own(arg[3], 'DefaultValue');
    if (fallback !== undefined) return this.resolve(fallback, depth);
    return `\${FindInMap:${map}.${top}.${second}}`;
  }
}

function asObj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

const DESCRIBE_LIMIT = 2000;

// Placeholder text for a resolved value: strings as they are, lists as `[a, b]`, mappings as JSON. Collections
// are only ever displayed, so their text stops at a length (they may hold the same long string many times).
function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts: string[] = [];
  let length = 0;
  const push = (text: string): boolean => {
    parts.push(text);
    length += text.length;
    return length < DESCRIBE_LIMIT;
  };
  const each = (
    items: unknown[],
    open: string,
    close: string,
    write: (item: unknown) => boolean,
  ): boolean => {
    if (!push(open)) return false;
    for (const [index, item] of items.entries()) {
      if ((index > 0 && !push(open === '[' && write === plain ? ', ' : ',')) || !write(item)) return false;
    }
    return push(close);
  };
  const json = (item: unknown): boolean => {
    if (typeof item === 'string') return push(JSON.stringify(item.slice(0, DESCRIBE_LIMIT)));
    if (typeof item === 'number' || typeof item === 'boolean') return push(JSON.stringify(item));
    if (Array.isArray(item)) return each(item, '[', ']', (element) => json(element ?? null));
    if (isObj(item)) {
      const fields = Object.entries(item).filter(([, field]) => field !== undefined);
      return each(fields, '{', '}', (field) => {
        const [key, inner] = field as [string, unknown];
        return push(`${JSON.stringify(key.slice(0, DESCRIBE_LIMIT))}:`) && json(inner);
      });
    }
    return push('null');
  };
  const plain = (item: unknown): boolean => {
    if (item === undefined || item === null) return push('?');
    if (typeof item === 'string') return push(item.slice(0, DESCRIBE_LIMIT));
    if (typeof item === 'number' || typeof item === 'boolean') return push(String(item));
    if (Array.isArray(item)) return each(item, '[', ']', plain);
    return json(item);
  };
  const complete = plain(value);
  const text = parts.join('');
  return complete && text.length <= DESCRIBE_LIMIT ? text : `${text.slice(0, DESCRIBE_LIMIT)}…`;
}
