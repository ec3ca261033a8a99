// Where an ALB publishes the key for an x-amzn-oidc-data blob, derived only from values we validated.
import { displayText, fail, ok } from './keyErrors.ts';
import { checkKeyUrl } from './keyUrls.ts';
import type { KeyResult } from './types.ts';

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const GOV_REGIONS = new Set(['us-gov-west-1', 'us-gov-east-1']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALB_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):elasticloadbalancing:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{1,32}$/;

/** A region name safe to put in a hostname (the region may come from a pasted token's signer ARN). */
export function isAwsRegion(region: unknown): region is string {
  return typeof region === 'string' && REGION.test(region);
}

/** ALB key endpoint of a region (GovCloud keys live in S3); undefined for anything not shaped like a region. */
export function albKeyBaseUrl(region: string): string | undefined {
  if (!isAwsRegion(region)) return undefined;
  if (GOV_REGIONS.has(region)) return `https://s3-${region}.amazonaws.com/aws-elb-public-keys-prod-${region}`;
  return `https://public-keys.auth.elb.${region}.amazonaws.com`;
}

/** Region of an application load balancer ARN (the `signer` header); undefined unless the ARN is well formed. */
export function regionFromAlbArn(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const m = ALB_ARN.exec(arn);
  const partition = m?.[1];
  const region = m?.[2];
  if (partition === undefined || region === undefined) return undefined;
  if ((partition === 'aws-us-gov') !== region.includes('-gov-')) return undefined;
  if ((partition === 'aws-cn') !== region.startsWith('cn-')) return undefined;
  return region;
}

/** ALB kids are UUIDs; anything else is refused before it reaches a URL (security.md #19). */
export function isUuidKid(kid: unknown): kid is string {
  return typeof kid === 'string' && UUID.test(kid);
}

/** `{baseUrl}/{kid}` once the kid is a UUID and the base URL passes the fetching rules. */
export function albKeyUrl(baseUrl: string, kid: unknown): KeyResult<string> {
  if (!isUuidKid(kid)) {
    const shown = typeof kid === 'string' ? `"${displayText(kid, 80)}"` : typeof kid;
    return fail('invalid-kid', `ALB kid ${shown} is not a UUID; refusing to request a key for it`);
  }
  const base = vetAlbBase(baseUrl);
  return base.ok ? ok(`${base.value}/${kid}`) : base;
}

// Vetting a base URL is pure and runs on every ALB verification: remember the answer per string.
const vettedBases = new Map<string, KeyResult<string>>();

function vetAlbBase(baseUrl: string): KeyResult<string> {
  let result = vettedBases.get(baseUrl);
  if (result !== undefined) return result;
  const checked = checkKeyUrl(baseUrl);
  if (!checked.ok) result = checked;
  else if (checked.value.search !== '' || checked.value.hash !== '') {
    result = fail(
      'invalid-url',
      `${displayText(baseUrl)}: an ALB key base URL cannot have a query or fragment`,
    );
  } else result = ok(`${checked.value.origin}${checked.value.pathname.replace(/\/+$/, '')}`);
  if (vettedBases.size >= 200) vettedBases.clear();
  vettedBases.set(baseUrl, result);
  return result;
}
