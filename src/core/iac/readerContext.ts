// What every reader gets: the parsed file, its intrinsic resolver, line lookup and the builder collecting results.
import type { ConfigBuilder } from './configBuilder.ts';
import type { IntrinsicResolver } from './intrinsics.ts';
import { entries, isObj, own } from './objects.ts';
import type { Obj } from './objects.ts';
import type { ParsedTemplate } from './templateParse.ts';

/** Shared state of one file being read. */
export interface ReadContext {
  file: string;
  root: Obj;
  resolver: IntrinsicResolver;
  lineOf: ParsedTemplate['lineOf'];
  out: ConfigBuilder;
}

/** One resource of a template: logical id, properties (a structural `Fn::If` resolved) and the line of its key. */
export interface TemplateResource {
  id: string;
  type: string;
  props: Obj;
  line: number | undefined;
}

/** The template's resources of the given types, in file order. */
export function resourcesOfType(ctx: ReadContext, ...types: string[]): TemplateResource[] {
  const resources = own(ctx.root, 'Resources');
  const out: TemplateResource[] = [];
  for (const [id, resource] of entries(resources)) {
    const type = own(resource, 'Type');
    if (typeof type !== 'string' || !types.includes(type)) continue;
    const props = ctx.resolver.branch(own(resource, 'Properties'));
    out.push({ id, type, props: isObj(props) ? props : {}, line: ctx.lineOf(resources, id) });
  }
  return out;
}

/** The logical id an `ApiId`/`RestApiId`-style reference points at, or its rendered text when it is not a plain Ref. */
export function referenceName(ctx: ReadContext, value: unknown): string | undefined {
  const ref = ctx.resolver.refTarget(value);
  if (ref) return ref;
  const getAtt = ctx.resolver.getAtt(value);
  if (getAtt) return getAtt[0];
  return ctx.resolver.text(value);
}
