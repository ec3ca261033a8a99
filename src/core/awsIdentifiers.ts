// The one owner of AWS identifiers: regions, partitions, user pool ids, Cognito issuers, ALB ARNs and the key
// URLs derived from them (docs/aws-behaviour.md "Cognito issuer formats", security.md "Fetching keys").
// Every parser is a hand-written scan over a length-capped string: no regex built from input, no backtracking.

/** The partitions whose identifiers are understood (ISO partitions are not). */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** Host suffix of each partition's public endpoints. */
export const PARTITION_DNS_SUFFIX: Readonly<Record<Partition, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
};

const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];

// Real values are far shorter; the caps keep every scan below a few hundred characters.
const MAX_REGION_LENGTH = 25;
/** Cognito's own limit for a user pool id (API reference: UserPoolIdType, 1..55). */
const MAX_POOL_ID_LENGTH = 55;
const MAX_ISSUER_LENGTH = 200;
const MAX_ARN_LENGTH = 200;
const MAX_REGION_WORD_LENGTH = 15;

function isLowerLetters(text: string, min: number, max: number): boolean {
  if (text.length < min || text.length > max) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

function isDigits(text: string, min: number, max: number): boolean {
  if (text.length < min || text.length > max) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function isAlphanumeric(text: string, min: number, max: number): boolean {
  if (text.length < min || text.length > max) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39;
    const upper = c >= 0x41 && c <= 0x5a;
    const lower = c >= 0x61 && c <= 0x7a;
    if (!digit && !upper && !lower) return false;
  }
  return true;
}

function isLowerHex(text: string, min: number, max: number): boolean {
  if (text.length < min || text.length > max) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** ALB names: letters, digits and hyphens (1..32). */
function isAlbName(text: string): boolean {
  if (text.length < 1 || text.length > 32) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
    if (!ok) return false;
  }
  return true;
}

/**
 * Partition of a region name, or undefined when the text is not shaped like one: `cc-word-N` (us-east-1,
 * cn-north-1, ap-southeast-5) or `us-gov-word-N` (GovCloud). The region may end up in a hostname, so nothing
 * else passes.
 */
export function regionPartition(region: unknown): Partition | undefined {
  if (typeof region !== 'string' || region.length > MAX_REGION_LENGTH) return undefined;
  const parts = region.split('-');
  const [country, second, third, fourth] = parts;
  if (country === undefined || !isLowerLetters(country, 2, 2)) return undefined;
  if (parts.length === 3 && second !== undefined && third !== undefined) {
    if (second === 'gov' || !isLowerLetters(second, 1, MAX_REGION_WORD_LENGTH)) return undefined;
    if (!isDigits(third, 1, 1)) return undefined;
    return country === 'cn' ? 'aws-cn' : 'aws';
  }
  if (parts.length === 4 && second === 'gov' && third !== undefined && fourth !== undefined) {
    if (country !== 'us' || !isLowerLetters(third, 1, MAX_REGION_WORD_LENGTH)) return undefined;
    return isDigits(fourth, 1, 1) ? 'aws-us-gov' : undefined;
  }
  return undefined;
}

/** A region name safe to put in a hostname (it may come from a pasted token's signer ARN or a workspace file). */
export function isAwsRegion(region: unknown): region is string {
  return regionPartition(region) !== undefined;
}

/** True for a partition name this module understands. */
export function isPartition(value: unknown): value is Partition {
  return typeof value === 'string' && (PARTITIONS as readonly string[]).includes(value);
}

/** A Cognito user pool id: `{region}_{alphanumerics}` (us-east-1_AbC123), at most 55 characters. */
export interface UserPoolId {
  poolId: string;
  region: string;
  partition: Partition;
}

/** The parts of a user pool id, or undefined when the text is not one. */
export function parseUserPoolId(value: unknown): UserPoolId | undefined {
  if (typeof value !== 'string' || value.length > MAX_POOL_ID_LENGTH) return undefined;
  const underscore = value.indexOf('_');
  if (underscore < 0) return undefined;
  const region = value.slice(0, underscore);
  const partition = regionPartition(region);
  if (partition === undefined) return undefined;
  if (!isAlphanumeric(value.slice(underscore + 1), 1, MAX_POOL_ID_LENGTH)) return undefined;
  return { poolId: value, region, partition };
}

/** True for a user pool id like us-east-1_AbC123. */
export function isUserPoolId(value: unknown): value is string {
  return parseUserPoolId(value) !== undefined;
}

/**
 * `original`: https://cognito-idp.{region}.amazonaws.com/{poolId}, where with multi-Region replication the
 * region is the replica's that issued the token. `updated` (IssuerConfiguration UPDATED):
 * https://issuer-cognito-idp.{region}.amazonaws.com/{poolId}, region = the pool's primary region.
 */
export type CognitoIssuerFormat = 'original' | 'updated';

/** A Cognito user pool issuer, taken apart. */
export interface CognitoIssuer {
  issuer: string;
  format: CognitoIssuerFormat;
  /** The region in the host. */
  region: string;
  poolId: string;
  /** The region prefix of the pool id (the pool's primary region). */
  poolRegion: string;
  partition: Partition;
  /** True when an original-format issuer names another region than the pool's: a replica issued it. */
  replicaRegion: boolean;
  /** `{issuer}/.well-known/jwks.json`. */
  jwksUrl: string;
}

const HOST_PREFIXES: ReadonlyArray<{ prefix: string; format: CognitoIssuerFormat }> = [
  { prefix: 'issuer-cognito-idp.', format: 'updated' },
  { prefix: 'cognito-idp.', format: 'original' },
];

/**
 * The parts of `iss` when it is exactly a Cognito issuer (https, lower-case host, no port, credentials, query,
 * fragment or trailing slash), else undefined. Look-alike hosts and mismatched partitions are refused.
 */
export function parseCognitoIssuer(iss: unknown): CognitoIssuer | undefined {
  if (typeof iss !== 'string' || iss.length > MAX_ISSUER_LENGTH) return undefined;
  const scheme = 'https://';
  if (!iss.startsWith(scheme)) return undefined;
  const rest = iss.slice(scheme.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const host = rest.slice(0, slash);
  const poolText = rest.slice(slash + 1);
  const kind = HOST_PREFIXES.find((p) => host.startsWith(p.prefix));
  if (kind === undefined) return undefined;
  const afterPrefix = host.slice(kind.prefix.length);
  const dot = afterPrefix.indexOf('.');
  if (dot < 0) return undefined;
  const region = afterPrefix.slice(0, dot);
  const partition = regionPartition(region);
  if (partition === undefined || afterPrefix.slice(dot + 1) !== PARTITION_DNS_SUFFIX[partition])
    return undefined;
  const pool = parseUserPoolId(poolText);
  if (pool === undefined || pool.partition !== partition) return undefined;
  if (kind.format === 'updated' && pool.region !== region) return undefined;
  return {
    issuer: iss,
    format: kind.format,
    region,
    poolId: pool.poolId,
    poolRegion: pool.region,
    partition,
    replicaRegion: kind.format === 'original' && pool.region !== region,
    jwksUrl: `${iss}/.well-known/jwks.json`,
  };
}

/** True when `iss` is exactly a Cognito user pool issuer in any of its formats. */
export function isCognitoIssuer(iss: unknown): iss is string {
  return parseCognitoIssuer(iss) !== undefined;
}

/**
 * The only derived JWKS URL: `{iss}/.well-known/jwks.json` for a Cognito issuer, undefined for any other issuer
 * (its key URL must be given by the user), so a derived URL never carries a query, fragment or credentials.
 */
export function cognitoJwksUrl(iss: unknown): string | undefined {
  return parseCognitoIssuer(iss)?.jwksUrl;
}

/** The issuer a user pool signs with (original format, in the pool's own region), or undefined for a non-id. */
export function userPoolIssuer(
  poolId: unknown,
  format: CognitoIssuerFormat = 'original',
): string | undefined {
  const pool = parseUserPoolId(poolId);
  if (pool === undefined) return undefined;
  const prefix = format === 'updated' ? 'issuer-cognito-idp' : 'cognito-idp';
  return `https://${prefix}.${pool.region}.${PARTITION_DNS_SUFFIX[pool.partition]}/${pool.poolId}`;
}

/**
 * A pool's issuer as the simulator compares and shows it: userPoolIssuer, or for an unresolved id (a template
 * placeholder) a readable stand-in that is never a Cognito issuer, so it derives no key URL.
 */
export function poolIssuerOrPlaceholder(poolId: string): string {
  return userPoolIssuer(poolId) ?? `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`;
}

/** True when `iss` is any Cognito issuer (either format, any replica region) of the user pool `poolId`. */
export function isIssuerOfPool(iss: unknown, poolId: string): boolean {
  return parseCognitoIssuer(iss)?.poolId === poolId;
}

/** The region a resolved pool id or Cognito issuer names (for API coordinates), else undefined. */
export function regionOfPoolOrIssuer(value: unknown): string | undefined {
  return parseUserPoolId(value)?.region ?? parseCognitoIssuer(value)?.region;
}

/** An application load balancer ARN: arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{id}. */
export interface AlbArn {
  arn: string;
  partition: Partition;
  region: string;
  accountId: string;
  name: string;
  id: string;
}

/** The parts of an ALB ARN, or undefined unless it is well formed and its partition matches its region. */
export function parseAlbArn(arn: unknown): AlbArn | undefined {
  if (typeof arn !== 'string' || arn.length > MAX_ARN_LENGTH) return undefined;
  const fields = arn.split(':');
  if (fields.length !== 6) return undefined;
  const [scheme, partition, service, region, accountId, resource] = fields;
  if (scheme !== 'arn' || service !== 'elasticloadbalancing') return undefined;
  if (!isPartition(partition) || regionPartition(region) !== partition || region === undefined)
    return undefined;
  if (accountId === undefined || !isDigits(accountId, 12, 12) || resource === undefined) return undefined;
  const path = resource.split('/');
  if (path.length !== 4 || path[0] !== 'loadbalancer' || path[1] !== 'app') return undefined;
  const name = path[2] ?? '';
  const id = path[3] ?? '';
  if (!isAlbName(name) || !isLowerHex(id, 1, 32)) return undefined;
  return { arn, partition, region, accountId, name, id };
}

/** True for a well-formed application load balancer ARN. */
export function isAlbArn(arn: unknown): arn is string {
  return parseAlbArn(arn) !== undefined;
}

/** Region of an application load balancer ARN (the `signer` header); undefined unless the ARN is well formed. */
export function regionFromAlbArn(arn: unknown): string | undefined {
  return parseAlbArn(arn)?.region;
}

/**
 * Whether a header's `signer` says "an ALB signed this" (classification only: a malformed ARN still classes the
 * blob as ALB data so the signer check can name the problem; nothing is derived from it without parseAlbArn).
 */
export function looksLikeAlbSigner(signer: unknown): boolean {
  return typeof signer === 'string' && signer.includes(':elasticloadbalancing:');
}

/**
 * ALB key endpoint of a region: public-keys.auth.elb.{region}.{partition suffix}; GovCloud keys live in S3
 * (docs/aws-behaviour.md, ALB). The China host follows the partition's suffix (not documented; unverified).
 */
export function albKeyBaseUrl(region: unknown): string | undefined {
  const partition = regionPartition(region);
  if (partition === undefined || typeof region !== 'string') return undefined;
  if (partition === 'aws-us-gov')
    return `https://s3-${region}.amazonaws.com/aws-elb-public-keys-prod-${region}`;
  return `https://public-keys.auth.elb.${region}.${PARTITION_DNS_SUFFIX[partition]}`;
}

/** An API Gateway default endpoint: `{api-id}.execute-api.{region}.amazonaws.com` (`.com.cn` in China). */
export interface ExecuteApiHost {
  apiId: string;
  region: string;
}

const MAX_HOST_LENGTH = 100;
const EXECUTE_API = 'execute-api.';

function isLowerAlphanumeric(text: string, min: number, max: number): boolean {
  if (text.length < min || text.length > max) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return true;
}

/**
 * The API id and region of an execute-api host (a port after `:` is ignored; case-insensitive, as DNS is), or
 * undefined. Used to tie a `.http` request URL to the configured API whose `apiId` it names.
 */
export function parseExecuteApiHost(host: unknown): ExecuteApiHost | undefined {
  if (typeof host !== 'string' || host.length > MAX_HOST_LENGTH) return undefined;
  const colon = host.indexOf(':');
  const name = (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
  const firstDot = name.indexOf('.');
  if (firstDot === -1) return undefined;
  const apiId = name.slice(0, firstDot);
  // API Gateway ids are 10 lower-case alphanumerics; a little slack for future lengths.
  if (!isLowerAlphanumeric(apiId, 1, 20) || !name.startsWith(EXECUTE_API, firstDot + 1)) return undefined;
  const rest = name.slice(firstDot + 1 + EXECUTE_API.length);
  const regionEnd = rest.indexOf('.');
  if (regionEnd === -1) return undefined;
  const region = rest.slice(0, regionEnd);
  const partition = regionPartition(region);
  if (partition === undefined || rest.slice(regionEnd + 1) !== PARTITION_DNS_SUFFIX[partition])
    return undefined;
  return { apiId, region };
}
