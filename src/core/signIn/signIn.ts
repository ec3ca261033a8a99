// Sign a test user in to a Cognito user pool: USER_PASSWORD_AUTH, USER_SRP_AUTH, refresh, and the challenges a
// person can answer (new password, MFA codes). Every outcome is data: tokens, a challenge to answer, or a failure
// with what to do about it. The network and the clock are injected.
import { createHmac } from 'node:crypto';
import type { CognitoCall, CognitoReply } from './cognitoHttp.ts';
import { startSrp } from './srp.ts';
import type { PasswordVerifierParameters } from './srp.ts';

export type SignInFlow = 'password' | 'srp';

/** Cognito's AuthenticationResult, field for field (RefreshToken is absent after a refresh). */
export interface AuthenticationResult {
  AccessToken: string;
  ExpiresIn: number;
  IdToken: string;
  RefreshToken?: string;
  TokenType: string;
}

export interface AppClient {
  poolId: string;
  clientId: string;
  /** Only for app clients with a secret: SECRET_HASH is then required on every call. */
  clientSecret?: string;
}

export interface SignInRequest extends AppClient {
  username: string;
  password: string;
  flow: SignInFlow;
}

/** What a person can answer: a new password, or a one-time code. */
export type ChallengeAnswerKind = 'new-password' | 'code';

export interface PendingChallenge {
  name: string;
  session: string;
  /** The username Cognito wants in the answer (USER_ID_FOR_SRP after SRP, else the one given). */
  username: string;
  /** What the person must supply; undefined when this tool cannot answer it (the message says what to do). */
  answer?: ChallengeAnswerKind;
  message: string;
  /** Non-secret parameters worth showing (CODE_DELIVERY_DESTINATION, requiredAttributes). */
  parameters: Record<string, string>;
}

export type SignInOutcome =
  | { kind: 'signed-in'; result: AuthenticationResult }
  | { kind: 'challenge'; challenge: PendingChallenge }
  | { kind: 'failed'; code: string; message: string; hint?: string };

export interface SignInDeps {
  call: CognitoCall;
  nowMs(): number;
}

/** SECRET_HASH = Base64(HMAC-SHA256(client secret, username + client id)) (Cognito developer guide, "Computing secret hash values"). */
export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret).update(`${username}${clientId}`).digest('base64');
}

function withSecret(
  client: AppClient,
  username: string,
  parameters: Record<string, string>,
): Record<string, string> {
  if (client.clientSecret === undefined) return parameters;
  return { ...parameters, SECRET_HASH: secretHash(client.clientSecret, username, client.clientId) };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return record;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string')
      Object.defineProperty(record, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return record;
}

/** Cognito's error type without the namespace ("com.amazonaws...#NotAuthorizedException" -> the last part). */
function errorType(json: Record<string, unknown>): string {
  const raw = text(json.__type) ?? text(json.code) ?? 'UnknownError';
  return raw.slice(raw.lastIndexOf('#') + 1);
}

/** What to do about a failure, from its type and (for a few well-known texts) its message. */
function hintFor(code: string, message: string, flow: SignInFlow | 'refresh'): string | undefined {
  const lower = message.toLowerCase();
  if (lower.includes('secret hash'))
    return 'the app client has a secret: give it (--client-secret-file), and for a refresh the username Cognito knows (often the sub)';
  if (lower.includes('flow not enabled') || lower.includes('auth flow not enabled'))
    return flow === 'password'
      ? 'the app client does not allow USER_PASSWORD_AUTH: try --flow srp, or enable ALLOW_USER_PASSWORD_AUTH on the client'
      : "the app client does not allow this flow: enable it in the client's ExplicitAuthFlows";
  switch (code) {
    case 'NotAuthorizedException':
      return flow === 'refresh'
        ? 'the refresh token is expired, revoked or for another client: sign in again'
        : 'the username or password is wrong, or the user is disabled';
    case 'InvalidPasswordException':
      return "the password does not meet the pool's password policy (cognito-local also answers this for a wrong password)";
    case 'UserNotFoundException':
      return 'no such user in this pool (usernames are case-sensitive unless the pool says otherwise)';
    case 'UserNotConfirmedException':
      return 'the user has not confirmed sign-up: confirm it (admin-confirm-sign-up) and try again';
    case 'PasswordResetRequiredException':
      return 'an administrator reset the password: the user must set a new one (forgot-password flow)';
    case 'ResourceNotFoundException':
      return 'the app client id does not exist in this region or endpoint';
    case 'InvalidParameterException':
      return 'a parameter Cognito refused: see the message';
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return 'Cognito is throttling: wait and retry';
    default:
      return undefined;
  }
}

const CHALLENGES: Record<string, { answer?: ChallengeAnswerKind; message: string }> = {
  NEW_PASSWORD_REQUIRED: {
    answer: 'new-password',
    message: 'the user signed in with a temporary password and must choose a new one',
  },
  SMS_MFA: { answer: 'code', message: 'enter the code sent by SMS' },
  SMS_OTP: { answer: 'code', message: 'enter the code sent by SMS' },
  EMAIL_OTP: { answer: 'code', message: 'enter the code sent by email' },
  SOFTWARE_TOKEN_MFA: { answer: 'code', message: 'enter the code from the authenticator app' },
  MFA_SETUP: {
    message:
      'the user must set up MFA before signing in: do it once in your app or the hosted UI, then sign in here',
  },
  SELECT_MFA_TYPE: {
    message: 'the user must pick an MFA type: set a preferred MFA for the user, then sign in again',
  },
  CUSTOM_CHALLENGE: {
    message: 'the pool uses custom authentication (Lambda triggers): sign in through your app',
  },
  DEVICE_SRP_AUTH: {
    message: 'the pool asks for device authentication: turn off device tracking for test users',
  },
};

/** The parameter a code answer goes in, per challenge. */
const CODE_PARAMETER: Record<string, string> = {
  SMS_MFA: 'SMS_MFA_CODE',
  SMS_OTP: 'SMS_OTP_CODE',
  EMAIL_OTP: 'EMAIL_OTP_CODE',
  SOFTWARE_TOKEN_MFA: 'SOFTWARE_TOKEN_MFA_CODE',
};

const SHOWN_PARAMETERS = ['CODE_DELIVERY_DESTINATION', 'CODE_DELIVERY_DELIVERY_MEDIUM', 'requiredAttributes'];

function outcomeOf(reply: CognitoReply, username: string, flow: SignInFlow | 'refresh'): SignInOutcome {
  const { json } = reply;
  if (reply.status !== 200) {
    const code = errorType(json);
    const message = text(json.message) ?? text(json.Message) ?? `HTTP ${reply.status}`;
    const hint = hintFor(code, message, flow);
    return hint === undefined ? { kind: 'failed', code, message } : { kind: 'failed', code, message, hint };
  }
  const result = json.AuthenticationResult;
  if (typeof result === 'object' && result !== null) {
    const fields = result as Record<string, unknown>;
    const accessToken = text(fields.AccessToken);
    const idToken = text(fields.IdToken);
    if (accessToken === undefined || idToken === undefined)
      return {
        kind: 'failed',
        code: 'MalformedResponse',
        message: 'AuthenticationResult without IdToken or AccessToken',
      };
    const authenticated: AuthenticationResult = {
      AccessToken: accessToken,
      ExpiresIn: typeof fields.ExpiresIn === 'number' ? fields.ExpiresIn : 3600,
      IdToken: idToken,
      TokenType: text(fields.TokenType) ?? 'Bearer',
    };
    const refreshToken = text(fields.RefreshToken);
    if (refreshToken !== undefined) authenticated.RefreshToken = refreshToken;
    return { kind: 'signed-in', result: authenticated };
  }
  const name = text(json.ChallengeName);
  if (name === undefined)
    return {
      kind: 'failed',
      code: 'MalformedResponse',
      message: 'neither AuthenticationResult nor ChallengeName in the answer',
    };
  const known = Object.hasOwn(CHALLENGES, name) ? CHALLENGES[name] : undefined;
  const all = stringRecord(json.ChallengeParameters);
  const parameters: Record<string, string> = {};
  for (const key of SHOWN_PARAMETERS) if (all[key] !== undefined) parameters[key] = all[key];
  const challenge: PendingChallenge = {
    name,
    session: text(json.Session) ?? '',
    username: all.USER_ID_FOR_SRP ?? all.USERNAME ?? username,
    message: known?.message ?? `Cognito asks for the ${name} challenge, which this tool cannot answer`,
    parameters,
  };
  if (known?.answer) challenge.answer = known.answer;
  return { kind: 'challenge', challenge };
}

/** Sign in with USER_PASSWORD_AUTH or USER_SRP_AUTH. Network errors reject; everything Cognito says is data. */
export async function signIn(request: SignInRequest, deps: SignInDeps): Promise<SignInOutcome> {
  if (request.flow === 'password') {
    const reply = await deps.call('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: request.clientId,
      AuthParameters: withSecret(request, request.username, {
        USERNAME: request.username,
        PASSWORD: request.password,
      }),
    });
    return outcomeOf(reply, request.username, 'password');
  }
  const srp = await startSrp(request.poolId);
  const started = await deps.call('InitiateAuth', {
    AuthFlow: 'USER_SRP_AUTH',
    ClientId: request.clientId,
    AuthParameters: withSecret(request, request.username, { USERNAME: request.username, SRP_A: srp.srpA }),
  });
  if (started.status !== 200 || text(started.json.ChallengeName) !== 'PASSWORD_VERIFIER')
    return outcomeOf(started, request.username, 'srp');
  const given = stringRecord(started.json.ChallengeParameters);
  const verifier: PasswordVerifierParameters = {
    SALT: given.SALT ?? '',
    SRP_B: given.SRP_B ?? '',
    SECRET_BLOCK: given.SECRET_BLOCK ?? '',
    USER_ID_FOR_SRP: given.USER_ID_FOR_SRP ?? request.username,
  };
  let answer;
  try {
    answer = await srp.answer(verifier, request.password, deps.nowMs());
  } catch (error) {
    return {
      kind: 'failed',
      code: 'MalformedChallenge',
      message: error instanceof Error ? error.message : String(error),
    };
  }
  const body: Record<string, unknown> = {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: request.clientId,
    ChallengeResponses: withSecret(request, verifier.USER_ID_FOR_SRP, { ...answer }),
  };
  const session = text(started.json.Session);
  if (session !== undefined) body.Session = session;
  return outcomeOf(await deps.call('RespondToAuthChallenge', body), verifier.USER_ID_FOR_SRP, 'srp');
}

/** Answer a pending challenge with a new password or a code. */
export async function answerChallenge(
  client: AppClient,
  challenge: PendingChallenge,
  answer: string,
  deps: SignInDeps,
): Promise<SignInOutcome> {
  if (challenge.answer === undefined)
    return { kind: 'failed', code: 'UnsupportedChallenge', message: challenge.message };
  const responses: Record<string, string> = { USERNAME: challenge.username };
  if (challenge.answer === 'new-password') responses.NEW_PASSWORD = answer;
  else responses[CODE_PARAMETER[challenge.name] ?? 'SMS_MFA_CODE'] = answer;
  const reply = await deps.call('RespondToAuthChallenge', {
    ChallengeName: challenge.name,
    ClientId: client.clientId,
    Session: challenge.session,
    ChallengeResponses: withSecret(client, challenge.username, responses),
  });
  return outcomeOf(reply, challenge.username, 'password');
}

/** New ID and access tokens from a refresh token (REFRESH_TOKEN_AUTH); `username` only for clients with a secret. */
export async function refreshTokens(
  client: AppClient,
  refreshToken: string,
  username: string | undefined,
  deps: SignInDeps,
): Promise<SignInOutcome> {
  const parameters: Record<string, string> = { REFRESH_TOKEN: refreshToken };
  if (client.clientSecret !== undefined && username === undefined)
    return {
      kind: 'failed',
      code: 'UsernameRequired',
      message: 'a client with a secret needs the username (or sub) for SECRET_HASH when refreshing',
    };
  const reply = await deps.call('InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: client.clientId,
    AuthParameters: username === undefined ? parameters : withSecret(client, username, parameters),
  });
  return outcomeOf(reply, username ?? '', 'refresh');
}
