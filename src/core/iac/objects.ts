// Tiny type guards for walking untyped template data without casts everywhere.

/** A plain mapping as read from YAML/JSON. */
export type Obj = Record<string, unknown>;

/** True for a mapping (not an array, not null). */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The mapping under `key`, or undefined when absent or not a mapping. */
export function objAt(parent: unknown, key: string): Obj | undefined {
  const value = own(parent, key);
  return isObj(value) ? value : undefined;
}

/** Own property lookup that ignores inherited names like `constructor`. */
export function own(parent: unknown, key: string): unknown {
  return isObj(parent) && Object.hasOwn(parent, key) ? parent[key] : undefined;
}

/** Own property lookup by case-insensitive name (SAM writes `issuer`, CloudFormation `Issuer`). */
export function ownCi(parent: unknown, key: string): unknown {
  if (!isObj(parent)) return undefined;
  if (Object.hasOwn(parent, key)) return parent[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(parent)) if (k.toLowerCase() === lower) return parent[k];
  return undefined;
}

/** Entries of a mapping, or none. */
export function entries(value: unknown): [string, unknown][] {
  return isObj(value) ? Object.entries(value) : [];
}

/** Set `key` as an own data property, so a name like `__proto__` from a file stays plain data. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
