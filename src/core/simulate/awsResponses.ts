// The exact responses API Gateway and the ALB send when they refuse a request, per front door.
import type { ApiKind } from '../config/model.ts';

/** Status, body text and headers of one HTTP response. */
export interface HttpReply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** Sources for wording that AWS does not document, shown in traces. */
export const OBSERVED_NOTE = {
  restErrorType:
    'x-amzn-ErrorType headers and the {"message":null} body of authorizer errors are observed behaviour of REST APIs, not documented by AWS',
  restDenyMessageKey:
    'REST APIs answer policy denials with a capital-M "Message" key (observed; AWS documents only the text)',
  jwtScope403: 'HTTP API JWT scope failures return 403 Forbidden: observed, not documented by AWS',
  cognitoExpired:
    'REST Cognito authorizers answer an expired token with 401 {"message":"The incoming token has expired"} (the UNAUTHORIZED gateway response, not EXPIRED_TOKEN): observed, widely (aws-amplify/amplify-js #6060, #10147), not documented by AWS',
} as const;

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** 401 Unauthorized: missing/invalid token, Lambda "Unauthorized". */
export function unauthorized(kind: ApiKind, extraHeaders: Record<string, string> = {}): HttpReply {
  const headers: Record<string, string> =
    kind === 'rest' ? { 'x-amzn-ErrorType': 'UnauthorizedException' } : {};
  return { status: 401, body: json({ message: 'Unauthorized' }), headers: { ...headers, ...extraHeaders } };
}

/** 401 from a REST Cognito authorizer for an expired token: its own text, which client refresh logic keys on. */
export function cognitoTokenExpired(): HttpReply {
  return {
    status: 401,
    body: json({ message: 'The incoming token has expired' }),
    headers: { 'x-amzn-ErrorType': 'UnauthorizedException' },
  };
}

/** 403 from API Gateway after a JWT scope failure or an HTTP API Lambda denial. */
export function forbidden(kind: ApiKind): HttpReply {
  const headers: Record<string, string> =
    kind === 'rest' ? { 'x-amzn-ErrorType': 'AccessDeniedException' } : {};
  return { status: 403, body: json({ message: 'Forbidden' }), headers };
}

/** 403 written by the backend itself after its RBAC check (no API Gateway headers). */
export function backendForbidden(): HttpReply {
  return {
    status: 403,
    body: json({ message: 'Forbidden' }),
    headers: { 'content-type': 'application/json' },
  };
}

/** 403 from a Lambda authorizer's policy: REST words explicit and implicit denials differently. */
export function policyDenied(kind: ApiKind, explicit: boolean): HttpReply {
  if (kind !== 'rest') return forbidden(kind);
  const text = explicit
    ? 'User is not authorized to access this resource with an explicit deny'
    : 'User is not authorized to access this resource';
  return {
    status: 403,
    body: json({ Message: text }),
    headers: { 'x-amzn-ErrorType': 'AccessDeniedException' },
  };
}

/** 500 when the authorizer fails or returns malformed output. */
export function authorizerError(kind: ApiKind): HttpReply {
  if (kind === 'rest') {
    return {
      status: 500,
      body: json({ message: null }),
      headers: { 'x-amzn-ErrorType': 'AuthorizerConfigurationException' },
    };
  }
  return { status: 500, body: json({ message: 'Internal Server Error' }), headers: {} };
}

/** No route matched: HTTP API 404, REST 403 "Missing Authentication Token", ALB 404. */
export function noRoute(kind: ApiKind): HttpReply {
  if (kind === 'rest') {
    return {
      status: 403,
      body: json({ message: 'Missing Authentication Token' }),
      headers: { 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' },
    };
  }
  return { status: 404, body: json({ message: 'Not Found' }), headers: {} };
}

/** REST 403 for an `Authorization` header that is not SigV4, on an AWS_IAM method or a path that exists nowhere. */
export function incompleteSignature(message: string): HttpReply {
  return {
    status: 403,
    body: json({ message }),
    headers: { 'x-amzn-ErrorType': 'IncompleteSignatureException' },
  };
}

/** The HTTP API JWT authorizer's challenge header, exactly as AWS formats it. */
export function jwtChallenge(description: string): Record<string, string> {
  return { 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${description}"` };
}

/** The ALB's own 401 page (onUnauthenticatedRequest: deny). */
export function albUnauthorized(): HttpReply {
  return {
    status: 401,
    body: '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n</body>\r\n</html>\r\n',
    headers: { 'content-type': 'text/html' },
  };
}

/** The ALB's redirect to the IdP (onUnauthenticatedRequest: authenticate). */
export function albRedirect(location: string): HttpReply {
  return { status: 302, body: '', headers: { location } };
}

/** What a backend that verifies x-amzn-oidc-data answers to a bad blob (application-defined; shown as 401). */
export function backendUnauthorized(): HttpReply {
  return {
    status: 401,
    body: json({ message: 'Unauthorized' }),
    headers: { 'content-type': 'application/json' },
  };
}

/** The request reached the integration (the backend answers; shown as 200). */
export function forwarded(): HttpReply {
  return { status: 200, body: '', headers: {} };
}
