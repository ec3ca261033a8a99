// `authdbg token`: sign a test user in to a Cognito user pool and print Cognito's AuthenticationResult.
// Exit 0 signed in, 1 refused or a challenge left unanswered, 2 usage, input or network error.
import { decodeToken } from '../core/decode.ts';
import { redactToken } from '../core/redact.ts';
import { checkCognitoEndpoint, cognitoCall, cognitoEndpointForPool } from '../core/signIn/cognitoHttp.ts';
import { answerChallenge, refreshTokens, signIn } from '../core/signIn/signIn.ts';
import type { AppClient, AuthenticationResult, SignInFlow, SignInOutcome } from '../core/signIn/signIn.ts';
import { isoTime, relativeTime } from '../core/timeFormat.ts';
import { parseUserPoolId } from '../core/awsIdentifiers.ts';
import { numberOption, optionValue, parseArgs } from './args.ts';
import { readCappedText } from './fileRead.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';

const SPEC = {
  pool: { value: true },
  client: { value: true },
  username: { value: true },
  'password-file': { value: true },
  'client-secret-file': { value: true },
  'refresh-token-file': { value: true },
  'new-password-file': { value: true },
  'mfa-code': { value: true },
  flow: { value: true },
  endpoint: { value: true },
  'timeout-ms': { value: true },
  json: { value: false },
  help: { value: false },
} as const;

export const TOKEN_USAGE = `usage: authdbg token --pool POOL_ID --client CLIENT_ID --username U [options]
  Signs a test user in and prints the tokens. The password is read from --password-file, else from standard
  input (pipe it: it is never an argument, so it stays out of shell history and process lists).
  --flow srp|password     USER_SRP_AUTH (default with AWS endpoints: what Amplify and most app clients allow)
                          or USER_PASSWORD_AUTH (default with --endpoint: emulators such as cognito-local lack SRP)
  --client-secret-file F  the app client's secret, for clients that have one (SECRET_HASH)
  --refresh-token-file F  refresh instead of signing in (REFRESH_TOKEN_AUTH; no password)
  --new-password-file F   answers NEW_PASSWORD_REQUIRED (a user with a temporary password)
  --mfa-code CODE         answers SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP
  --endpoint URL          the Cognito API (default https://cognito-idp.REGION.amazonaws.com/ from the pool id;
                          http only on localhost, e.g. cognito-local at http://127.0.0.1:9229)
  --timeout-ms N          request timeout (1000..30000, default 10000)
  --json                  Cognito's AuthenticationResult, tokens in full (for scripts: | jq -r .IdToken)
  Without --json the tokens are shown redacted with their claims and expiry.
exit status: 0 signed in, 1 refused or a challenge this run cannot answer, 2 usage, input or network error`;

async function readSecretFile(io: CliIo, path: string, option: string): Promise<string> {
  const text = await readCappedText(io, path, 'key', option);
  // One trailing newline is how editors and `echo` end a file; anything else is part of the secret.
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

function claimText(token: string, name: string): string | undefined {
  const payload = decodeToken(token).token?.payload;
  const value = payload && Object.hasOwn(payload, name) ? payload[name] : undefined;
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string').join(', ');
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function describe(result: AuthenticationResult, nowMs: number, how: string): string {
  const exp = Number(claimText(result.IdToken, 'exp'));
  const who =
    claimText(result.IdToken, 'cognito:username') ?? claimText(result.AccessToken, 'username') ?? '?';
  const groups = claimText(result.IdToken, 'cognito:groups');
  const lines = [
    `${how.startsWith('REFRESH') ? 'refreshed the tokens of' : 'signed in as'} ${who} (${how})`,
    `ID token      ${redactToken(result.IdToken)}`,
    `Access token  ${redactToken(result.AccessToken)}`,
  ];
  if (result.RefreshToken !== undefined)
    lines.push(`Refresh token <redacted, ${result.RefreshToken.length} characters>`);
  const nowSeconds = Math.floor(nowMs / 1000);
  const expiresIn = `in ${Math.round(result.ExpiresIn / 60)} min`;
  // ExpiresIn and the token's exp can disagree (cognito-local signs for 24 h but says 3600): show both then.
  const expText = !Number.isFinite(exp)
    ? `${expiresIn} (ExpiresIn)`
    : Math.abs(exp - (nowSeconds + result.ExpiresIn)) <= 120
      ? `${expiresIn} (${isoTime(exp)})`
      : `${relativeTime(exp, nowSeconds)} by the ID token's exp (${isoTime(exp)}); Cognito's ExpiresIn says ${expiresIn}`;
  lines.push(`Expires       ${expText}; now ${isoTime(nowSeconds)}`);
  if (groups !== undefined) lines.push(`Groups        ${groups}`);
  const scope = claimText(result.AccessToken, 'scope');
  if (scope !== undefined) lines.push(`Scopes        ${scope}`);
  lines.push('The tokens in full: --json (Cognito AuthenticationResult), e.g. | jq -r .IdToken');
  return lines.join('\n');
}

/** Run `authdbg token`. */
export async function runToken(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${TOKEN_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length > 0)
    throw new UsageError(
      'token takes no positional arguments (the password comes from a file or standard input)',
    );
  const poolId = optionValue(args, 'pool');
  const clientId = optionValue(args, 'client');
  if (poolId === undefined || clientId === undefined)
    throw new UsageError('--pool POOL_ID and --client CLIENT_ID are required');
  const endpointOption = optionValue(args, 'endpoint');
  if (endpointOption === undefined && parseUserPoolId(poolId) === undefined)
    throw new UsageError(
      `--pool ${poolId.slice(0, 60)} is not a user pool id (region_id, e.g. us-east-1_AbC123)`,
    );
  const endpointText = endpointOption ?? cognitoEndpointForPool(poolId) ?? '';
  const endpoint = checkCognitoEndpoint(endpointText.endsWith('/') ? endpointText : `${endpointText}/`);
  if (!endpoint.ok) throw new UsageError(`--endpoint ${endpoint.message}`);
  const flowText = optionValue(args, 'flow') ?? (endpointOption === undefined ? 'srp' : 'password');
  if (flowText !== 'srp' && flowText !== 'password') throw new UsageError('--flow is srp or password');
  const flow: SignInFlow = flowText;
  if (!io.jsonPost) throw new UsageError('signing in is not available here');
  const timeoutMs = numberOption(args, 'timeout-ms', 1000, 30000) ?? 10_000;

  const client: AppClient = { poolId, clientId };
  const secretFile = optionValue(args, 'client-secret-file');
  if (secretFile !== undefined)
    client.clientSecret = await readSecretFile(io, secretFile, '--client-secret-file');
  const username = optionValue(args, 'username');
  const deps = { call: cognitoCall(endpoint.url, io.jsonPost, timeoutMs), nowMs: () => io.nowMs() };

  let outcome: SignInOutcome;
  let how: string;
  try {
    const refreshFile = optionValue(args, 'refresh-token-file');
    if (refreshFile !== undefined) {
      const refreshToken = await readSecretFile(io, refreshFile, '--refresh-token-file');
      outcome = await refreshTokens(client, refreshToken.trim(), username, deps);
      how = 'REFRESH_TOKEN_AUTH';
    } else {
      if (username === undefined) throw new UsageError('--username U is required');
      const passwordFile = optionValue(args, 'password-file');
      let password: string;
      if (passwordFile !== undefined) password = await readSecretFile(io, passwordFile, '--password-file');
      else {
        try {
          password = await io.readStdin();
        } catch {
          throw new UsageError('give the password with --password-file F, or pipe it on standard input');
        }
        password = password.endsWith('\n')
          ? password.slice(0, password.endsWith('\r\n') ? -2 : -1)
          : password;
      }
      if (password === '') throw new UsageError('the password is empty');
      outcome = await signIn({ ...client, username, password, flow }, deps);
      how = flow === 'srp' ? 'USER_SRP_AUTH' : 'USER_PASSWORD_AUTH';
      // Answer the challenges this run was given answers for, each at most once.
      const newPasswordFile = optionValue(args, 'new-password-file');
      const mfaCode = optionValue(args, 'mfa-code');
      const answered = new Set<string>();
      while (outcome.kind === 'challenge' && !answered.has(outcome.challenge.name)) {
        const { challenge } = outcome;
        const answer =
          challenge.answer === 'new-password' && newPasswordFile !== undefined
            ? await readSecretFile(io, newPasswordFile, '--new-password-file')
            : challenge.answer === 'code'
              ? mfaCode
              : undefined;
        if (answer === undefined) break;
        answered.add(challenge.name);
        outcome = await answerChallenge(client, challenge, answer, deps);
        how += ` + ${challenge.name}`;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const hint = /ECONNREFUSED/.test(message) ? ' (nothing listens there: check --endpoint)' : '';
    throw new UsageError(`cannot reach the Cognito API at ${endpoint.url.host}: ${message}${hint}`);
  }

  switch (outcome.kind) {
    case 'signed-in':
      if (args.flags.has('json')) io.stdout(`${JSON.stringify(outcome.result, null, 2)}\n`);
      else
        io.stdout(`${describe(outcome.result, io.nowMs(), `${how}, pool ${poolId}, client ${clientId}`)}\n`);
      return EXIT.ok;
    case 'challenge': {
      const { challenge } = outcome;
      const how =
        challenge.answer === 'new-password'
          ? 'run again with --new-password-file F'
          : challenge.answer === 'code'
            ? 'run again with --mfa-code CODE'
            : 'this tool cannot answer it';
      const where = challenge.parameters.CODE_DELIVERY_DESTINATION;
      io.stderr(
        `authdbg: Cognito asks for ${challenge.name}: ${challenge.message}${where ? ` (sent to ${where})` : ''}; ${how}\n`,
      );
      if (args.flags.has('json'))
        io.stdout(
          `${JSON.stringify({ ChallengeName: challenge.name, ChallengeParameters: challenge.parameters }, null, 2)}\n`,
        );
      return EXIT.rejected;
    }
    case 'failed':
      io.stderr(`authdbg: ${outcome.code}: ${outcome.message}${outcome.hint ? `\n  ${outcome.hint}` : ''}\n`);
      return EXIT.rejected;
  }
}
