// A template's user pool issues one issuer format (IssuerConfiguration ORIGINAL or UPDATED); a JWT authorizer that
// names the pool in the other format refuses every token on `iss` (docs/aws-behaviour.md "Cognito issuer formats").
import type { Warning } from '../findings.ts';
import type { SimConfig } from '../config/model.ts';
import { authorizerSource, trapWarning } from '../config/traps.ts';
import type { CognitoIssuerFormat } from '../awsIdentifiers.ts';
import { own } from './objects.ts';
import type { ReadContext } from './readerContext.ts';
import { resourcesOfType } from './readerContext.ts';

// Real issuers are under 200 characters; longer resolved text is not scanned.
const MAX_ISSUER_TEXT = 2048;
// `${Pool}` or `${Ref:Pool}` inside a resolved Fn::Sub: linear, no nested quantifiers.
const POOL_REFERENCE = /\$\{(?:Ref:)?([A-Za-z0-9]+)\}/g;

/** The format an issuer's host spells, or undefined for anything but a Cognito host. */
function hostFormat(issuer: string): CognitoIssuerFormat | undefined {
  const host = /^(?:\$\{Sub:)?https:\/\/([^/]*)\//.exec(issuer)?.[1];
  if (host === undefined) return undefined;
  if (host.startsWith('issuer-cognito-idp.')) return 'updated';
  if (host.startsWith('cognito-idp.')) return 'original';
  return undefined;
}

function issuerShape(format: CognitoIssuerFormat): string {
  return format === 'updated'
    ? 'https://issuer-cognito-idp.{region}.amazonaws.com/{poolId}'
    : 'https://cognito-idp.{region}.amazonaws.com/{poolId}';
}

/** Traps for JWT authorizers whose issuer names a template pool in the format that pool does not issue. */
export function issuerFormatTraps(ctx: ReadContext, config: SimConfig): Warning[] {
  const pools = new Map<string, { format: CognitoIssuerFormat; stated: boolean }>();
  for (const pool of resourcesOfType(ctx, 'AWS::Cognito::UserPool')) {
    const issuerConfig = own(pool.props, 'IssuerConfiguration');
    const type = issuerConfig === undefined ? undefined : ctx.resolver.text(own(issuerConfig, 'Type'));
    // Absent: ORIGINAL is assumed (the format of every pool before UPDATED existed); unresolved: nothing is said.
    if (type === 'UPDATED') pools.set(pool.id, { format: 'updated', stated: true });
    else if (type === 'ORIGINAL') pools.set(pool.id, { format: 'original', stated: true });
    else if (issuerConfig === undefined) pools.set(pool.id, { format: 'original', stated: false });
  }
  if (pools.size === 0) return [];
  const out: Warning[] = [];
  for (const auth of Object.values(config.authorizers)) {
    if (auth.type !== 'jwt' || auth.issuer === undefined || auth.issuer.length > MAX_ISSUER_TEXT) continue;
    const written = hostFormat(auth.issuer);
    if (written === undefined) continue;
    for (const match of auth.issuer.matchAll(POOL_REFERENCE)) {
      const id = match[1] ?? '';
      const issued = pools.get(id);
      if (issued === undefined || issued.format === written) continue;
      const setting = issued.stated
        ? `IssuerConfiguration ${issued.format === 'updated' ? 'UPDATED' : 'ORIGINAL'}`
        : 'no IssuerConfiguration (ORIGINAL assumed: the default is not documented)';
      out.push(
        trapWarning(
          'cognito-issuer-format',
          authorizerSource(auth, config.file),
          `its issuer uses the ${written} format (${issuerShape(written)}), but user pool ${id} has ${setting} and signs tokens with iss ${issuerShape(issued.format)}: API Gateway compares iss exactly, so every token would be refused with 401`,
        ),
      );
      break;
    }
  }
  return out;
}
