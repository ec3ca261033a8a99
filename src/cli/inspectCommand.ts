// `authdbg inspect`: decode and verify whatever was pasted, print the checks, exit 0/1/2.
import { isAlbArn } from '../core/awsIdentifiers.ts';
import { inspectInput } from '../core/verify/inspect.ts';
import { trimTrailingSlashes } from '../core/textScan.ts';
import type { InspectedItem } from '../core/verify/inspect.ts';
import type { KeySource, TokenReport, VerifyOptions } from '../core/types.ts';
import { numberOption, optionValue, parseArgs } from './args.ts';
import type { ParsedArgs } from './args.ts';
import { readCapped, readCappedText } from './fileRead.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';
import { renderReport } from './render.ts';

/** Options shared by inspect and simulate for token verification. */
export const VERIFY_OPTION_SPEC = {
  jwks: { value: true },
  'jwks-file': { value: true },
  'alb-key-url': { value: true },
  'pem-file': { value: true },
  'secret-file': { value: true },
  issuer: { value: true },
  audience: { value: true, repeat: true },
  'client-id': { value: true },
  'token-use': { value: true },
  scope: { value: true, repeat: true },
  'scope-rule': { value: true },
  'allow-public-key-secret': { value: false },
  'alb-arn': { value: true },
  now: { value: true },
  'clock-skew': { value: true },
  'timeout-ms': { value: true },
  json: { value: false },
  help: { value: false },
} as const;

export const INSPECT_USAGE = `usage: authdbg inspect [TOKEN|-] [options]
  Reads TOKEN, or standard input when TOKEN is "-" or absent: a JWT, "Bearer <jwt>", a header line,
  a JSON/HAR fragment, a curl command or a block of HTTP headers.
  --jwks URL          JWKS URL (https, or http on loopback)
  --jwks-file FILE    JWKS from a file
  --alb-key-url BASE  ALB key endpoint base URL (default: the signer's region)
  --pem-file FILE     a PEM public key
  --secret-file FILE  an HMAC secret (one trailing newline is ignored); public-key material (PEM, JWK,
                      certificate, ssh key) is refused as the algorithm-confusion attack
  --allow-public-key-secret
                      accept public-key material as the HMAC secret anyway (only if the issuer really
                      signs with that text as a shared secret)
  --issuer ISS        expected iss, compared exactly
  --audience ID       accepted audience (repeatable)
  --client-id ID      expected app client (aud, client_id or the ALB client)
  --token-use id|access
  --scope S           required scope, any one of (repeatable)
  --scope-rule cognito|jwt
                      read scopes as the REST Cognito authorizer does (the space-separated "scope"
                      string only) or as the API Gateway JWT authorizer does ("scope" and "scp", a
                      string or a list); default: cognito for Cognito tokens, jwt otherwise
  --alb-arn ARN       expected ALB signer ARN
  --now EPOCH         evaluate times at this instant (seconds)
  --clock-skew SECS   tolerated clock skew (default 0)
  --timeout-ms N      key fetch timeout (1000..30000, default 5000)
  --json              machine-readable output
exit status: 0 valid, 1 invalid or rejected, 2 unusable input or usage error`;

/** Run `authdbg inspect`. */
export async function runInspect(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, VERIFY_OPTION_SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${INSPECT_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length > 1)
    throw new UsageError('inspect takes one TOKEN (quote it, or use - for stdin)');
  const options = await verifyOptionsFromArgs(args, io);
  const input = await readTokenArgument(args.positionals[0], io);
  const outcome = await inspectInput(input, options, { keys: io.keys });
  if (!outcome.ok) throw new UsageError(outcome.message);
  const json = args.flags.has('json');
  if (json)
    io.stdout(`${JSON.stringify(outcomeJson(outcome.headerBlock, outcome.items, outcome.valid), null, 2)}\n`);
  else if (outcome.headerBlock) {
    io.stdout(`${outcome.items.map((item) => renderReport(item.report, headerTitle(item))).join('\n\n')}\n`);
    io.stdout(`\nOverall: ${outcome.valid ? 'VALID' : 'INVALID'}\n`);
  } else {
    const item = outcome.items[0];
    if (item) io.stdout(`${renderReport(item.report, item.header ? headerTitle(item) : undefined)}\n`);
  }
  return outcome.valid ? EXIT.ok : EXIT.rejected;
}

function headerTitle(item: InspectedItem): string {
  return item.header ?? 'token';
}

/** The --json shape: one report, or {items, valid} for a header block (`header` then names the HTTP header). */
export function outcomeJson(headerBlock: boolean, items: InspectedItem[], valid: boolean): unknown {
  if (!headerBlock && items.length === 1 && items[0]) return reportJson(items[0].report);
  return {
    items: items.map((item) => {
      const { header: tokenHeader, ...rest } = reportJson(item.report);
      return { header: item.header ?? null, tokenHeader, ...rest };
    }),
    valid,
  };
}

/** The stable JSON of one report. */
export function reportJson(report: TokenReport): {
  kind: string;
  header: unknown;
  payload: unknown;
  checks: unknown;
  warnings: unknown;
  valid: boolean;
  claims: unknown;
  lifetimeSeconds: number | null;
} {
  return {
    kind: report.kind,
    header: report.header,
    payload: report.payload,
    checks: report.checks,
    warnings: report.warnings,
    valid: report.valid,
    claims: report.claims.map((claim) => ({
      location: claim.location,
      name: claim.name,
      meaning: claim.meaning ?? null,
      ...(claim.time ? { iso: claim.time.iso, relative: claim.time.relative } : {}),
    })),
    lifetimeSeconds: report.lifetimeSeconds ?? null,
  };
}

/** Read TOKEN or stdin ("-" or absent). */
export async function readTokenArgument(positional: string | undefined, io: CliIo): Promise<string> {
  if (positional !== undefined && positional !== '-') return positional;
  return io.readStdin();
}

/** Build VerifyOptions from the shared verification options. */
export async function verifyOptionsFromArgs(args: ParsedArgs, io: CliIo): Promise<VerifyOptions> {
  const nowOption = numberOption(args, 'now', -1e10, 1e12);
  const options: VerifyOptions = {
    now: nowOption ?? io.nowMs() / 1000,
    clockSkewSeconds: numberOption(args, 'clock-skew', 0, 86400) ?? 0,
  };
  const keySource = await keySourceFromArgs(args, io);
  if (keySource) options.keySource = keySource;
  const issuer = optionValue(args, 'issuer');
  if (issuer !== undefined) options.issuer = issuer;
  const audience = args.options.get('audience');
  if (audience) options.audience = audience;
  const clientId = optionValue(args, 'client-id');
  if (clientId !== undefined) options.clientId = clientId;
  const tokenUse = optionValue(args, 'token-use');
  if (tokenUse !== undefined) {
    if (tokenUse !== 'id' && tokenUse !== 'access')
      throw new UsageError('--token-use must be "id" or "access"');
    options.tokenUse = tokenUse;
  }
  const scopes = args.options.get('scope');
  if (scopes) options.requiredScopes = scopes;
  const scopeRule = optionValue(args, 'scope-rule');
  if (scopeRule !== undefined) {
    if (scopeRule !== 'cognito' && scopeRule !== 'jwt')
      throw new UsageError('--scope-rule must be "cognito" or "jwt"');
    options.scopeRule = scopeRule === 'cognito' ? 'cognito-authorizer' : 'jwt-authorizer';
  }
  if (args.flags.has('allow-public-key-secret')) options.allowPublicKeySecret = true;
  const albArn = optionValue(args, 'alb-arn');
  if (albArn !== undefined) {
    if (!isAlbArn(albArn)) {
      throw new UsageError(
        '--alb-arn must be an application load balancer ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID)',
      );
    }
    options.albArn = albArn;
  }
  return options;
}

async function keySourceFromArgs(args: ParsedArgs, io: CliIo): Promise<KeySource | undefined> {
  const given = ['jwks', 'jwks-file', 'alb-key-url', 'pem-file', 'secret-file'].filter((name) =>
    args.options.has(name),
  );
  if (given.length > 1)
    throw new UsageError(`give one key source, not ${given.map((name) => `--${name}`).join(' and ')}`);
  const jwks = optionValue(args, 'jwks');
  if (jwks !== undefined) return { type: 'jwks-url', url: jwks };
  const albBase = optionValue(args, 'alb-key-url');
  if (albBase !== undefined) return { type: 'alb', baseUrl: trimTrailingSlashes(albBase) };
  const jwksFile = optionValue(args, 'jwks-file');
  if (jwksFile !== undefined) {
    const text = await readCappedText(io, jwksFile, 'key', '--jwks-file');
    let jwksValue: unknown;
    try {
      jwksValue = JSON.parse(text);
    } catch {
      throw new UsageError(`--jwks-file ${jwksFile} is not valid JSON`);
    }
    return { type: 'jwks', jwks: jwksValue, label: jwksFile };
  }
  const pemFile = optionValue(args, 'pem-file');
  if (pemFile !== undefined)
    return { type: 'pem', pem: await readCappedText(io, pemFile, 'key', '--pem-file'), label: pemFile };
  const secretFile = optionValue(args, 'secret-file');
  if (secretFile !== undefined) {
    const bytes = await readCapped(io, secretFile, 'key', '--secret-file');
    const trimmed = bytes.subarray(0, bytes.length - trailingNewlineLength(bytes));
    if (trimmed.length === 0) throw new UsageError(`--secret-file ${secretFile} is empty`);
    return { type: 'secret', secret: new Uint8Array(trimmed), label: secretFile };
  }
  return undefined;
}

function trailingNewlineLength(bytes: Uint8Array): number {
  if (bytes.length >= 2 && bytes[bytes.length - 2] === 0x0d && bytes[bytes.length - 1] === 0x0a) return 2;
  return bytes.length >= 1 && bytes[bytes.length - 1] === 0x0a ? 1 : 0;
}
