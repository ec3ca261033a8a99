// Request and response headers on their way through the local gateway: hop-by-hop headers dropped, the headers
// only AWS may set removed from what the client sent, and the header block the simulator reads.

/** One header field as received: lower-case name, raw value; a name may appear more than once. */
export type HeaderField = readonly [name: string, value: string];

/** Connection-scoped headers (RFC 9110 §7.6.1): never forwarded by a proxy, in either direction. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers the load balancer writes itself: a client's copies would be spoofed claims (ALBeast-style). */
export const ALB_OWN_HEADERS: readonly string[] = [
  'x-amzn-oidc-data',
  'x-amzn-oidc-identity',
  'x-amzn-oidc-accesstoken',
];

/** The gateway's own request header for the IdP access token the ALB would hold in its session. */
export const ACCESS_TOKEN_HEADER = 'x-authdbg-access-token';

/** At most this many header fields are read per message (Node's own default limit is 2000). */
export const MAX_HEADER_FIELDS = 200;

/** Pairs from Node's `rawHeaders` ([name, value, name, value, ...]), names lower-cased, capped. */
export function fieldsFromRaw(raw: readonly string[]): HeaderField[] {
  const fields: HeaderField[] = [];
  for (let i = 0; i + 1 < raw.length && fields.length < MAX_HEADER_FIELDS; i += 2)
    fields.push([(raw[i] ?? '').toLowerCase(), raw[i + 1] ?? '']);
  return fields;
}

/** Every value of `name` (lower-case), in order, whatever the case of the field's name. */
export function headerValues(fields: readonly HeaderField[], name: string): string[] {
  return fields.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** Drop hop-by-hop headers, including those the Connection header names. */
export function withoutHopByHop(fields: readonly HeaderField[]): HeaderField[] {
  const named = new Set<string>();
  for (const value of headerValues(fields, 'connection'))
    for (const token of value.split(',')) named.add(token.trim().toLowerCase());
  return fields.filter(([name]) => {
    const lower = name.toLowerCase();
    return !HOP_BY_HOP.has(lower) && !named.has(lower);
  });
}

/** Drop every header in `names` (lower-case), whatever the case of the field's name. */
export function without(fields: readonly HeaderField[], names: readonly string[]): HeaderField[] {
  return fields.filter(([name]) => !names.includes(name.toLowerCase()));
}

/** The header block the simulator reads as its TOKEN input ("Name: value" lines), same parser as a paste. */
export function headerBlock(fields: readonly HeaderField[]): string {
  return fields.map(([name, value]) => `${name}: ${value}`).join('\n');
}

/** X-Forwarded-For/-Proto/-Port as a proxy appends them (the client's own X-Forwarded-For is kept first). */
export function forwardedFor(
  fields: readonly HeaderField[],
  remoteAddress: string | undefined,
  port: number,
): HeaderField[] {
  const previous = headerValues(fields, 'x-forwarded-for').join(', ');
  const address = remoteAddress ?? '127.0.0.1';
  const rest = without(fields, ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port']);
  return [
    ...rest,
    ['x-forwarded-for', previous === '' ? address : `${previous}, ${address}`],
    ['x-forwarded-proto', 'http'],
    ['x-forwarded-port', String(port)],
  ];
}
