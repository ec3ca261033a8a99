// The one table of token kind labels: the CLI, the hover, the webviews and the core's messages all read it.
import type { TokenKind } from './types.ts';

interface KindLabel {
  /** As a title: "Cognito ID token". */
  readonly title: string;
  /** Inside a sentence: "a Cognito ID token". */
  readonly inSentence: string;
}

const KIND_LABELS: Record<TokenKind, KindLabel> = {
  'cognito-id': { title: 'Cognito ID token', inSentence: 'a Cognito ID token' },
  'cognito-access': { title: 'Cognito access token', inSentence: 'a Cognito access token' },
  'alb-data': { title: 'ALB x-amzn-oidc-data', inSentence: 'an ALB x-amzn-oidc-data token' },
  jwt: { title: 'JWT', inSentence: 'a JWT' },
  jwe: { title: 'Encrypted token (JWE)', inSentence: 'an encrypted token' },
  invalid: { title: 'Not a valid token', inSentence: 'an invalid token' },
};

/** A person's name for a token kind, as a title. */
export function kindLabel(kind: TokenKind): string {
  return Object.hasOwn(KIND_LABELS, kind) ? KIND_LABELS[kind].title : 'Unknown token';
}

/** A token kind inside a sentence, with its article. */
export function kindInSentence(kind: TokenKind): string {
  return Object.hasOwn(KIND_LABELS, kind) ? KIND_LABELS[kind].inSentence : 'an unknown token';
}
