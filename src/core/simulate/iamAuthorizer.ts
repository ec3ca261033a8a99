// Routes without a token authorizer: AWS_IAM (SigV4, never a bearer token) and none (every request forwarded); and the
// REST answer to a path or method that exists nowhere, which API Gateway treats like an AWS_IAM method.
import { createHash } from 'node:crypto';
import type { ApiKind, RouteConfig } from '../config/model.ts';
import type { HttpReply } from './awsResponses.ts';
import { forbidden, incompleteSignature, noRoute } from './awsResponses.ts';
import { headerLine } from './identitySource.ts';
import { lookUpIdentity } from './openingStep.ts';
import type { SimulationResult } from './result.ts';
import type { RouteMatch } from './routeMatch.ts';
import type { Run } from './run.ts';
import { rbacAfterAllow } from './run.ts';

/** No authorizer: API Gateway forwards the request; only the backend's RBAC can refuse. */
export function simulateNoAuthorizer(run: Run, route: RouteConfig): SimulationResult {
  run.add('authorizer', 'skip', 'the route has no authorizer: API Gateway forwards every request');
  return rbacAfterAllow(run, route, {}, {}, 'no claims (no authorizer)');
}

/** How API Gateway's SigV4 parser reads an Authorization header: algorithm, then comma-separated key=value pairs. */
export type SigV4Reading =
  | { shape: 'algorithm-has-equal-sign' }
  | { shape: 'missing-equal-sign' }
  | { shape: 'missing-parameters'; missing: string[]; dateMissing: boolean }
  | { shape: 'complete' };

const SIGV4_PARAMETERS = ['Credential', 'Signature', 'SignedHeaders'] as const;

/** Read an Authorization value the way the SigV4 parser does (observed shapes: docs/aws-behaviour.md). */
export function readSigV4Header(value: string, hasDateHeader: boolean): SigV4Reading {
  const text = value.trim();
  const space = text.search(/\s/);
  const algorithm = space === -1 ? text : text.slice(0, space);
  const rest = space === -1 ? '' : text.slice(space).trim();
  if (algorithm.includes('=')) return { shape: 'algorithm-has-equal-sign' };
  const pairs = rest === '' ? [] : rest.split(',').map((pair) => pair.trim());
  const keys = new Set<string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq === -1) return { shape: 'missing-equal-sign' };
    keys.add(pair.slice(0, eq).trim());
  }
  const missing = SIGV4_PARAMETERS.filter((name) => !keys.has(name));
  if (missing.length === 0 && hasDateHeader) return { shape: 'complete' };
  return { shape: 'missing-parameters', missing, dateMissing: !hasDateHeader };
}

/** Base64 of the SHA-256 of the header value, as current AWS prints it instead of the value itself. */
function hashedValue(value: string): string {
  return createHash('sha256').update(value).digest('base64');
}

/** The IncompleteSignatureException message the simulator prints (the current, hashed variant). */
export function incompleteSignatureMessage(reading: SigV4Reading, value: string): string | undefined {
  switch (reading.shape) {
    case 'complete':
      return undefined;
    case 'algorithm-has-equal-sign':
      return 'Authorization header must begin with the algorithm name, which cannot include an equal-sign';
    case 'missing-equal-sign':
      return `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashedValue(value)}'.`;
    case 'missing-parameters': {
      const sentences = reading.missing.map((name) => `Authorization header requires '${name}' parameter.`);
      if (reading.dateMissing)
        sentences.push(
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
      return `${sentences.join(' ')} (Hashed with SHA-256 and encoded with Base64) Authorization=${hashedValue(value)}`;
    }
  }
}

/** What the older (2016-2021) answers looked like for the same shape: shown in the trace, token left out. */
function olderVariant(reading: SigV4Reading): string | undefined {
  if (reading.shape === 'missing-equal-sign')
    return `"'<token>' not a valid key=value pair (missing equal-sign) in Authorization header: '<header value>'." (serverless/serverless #3205, amazon-archives/aws-cognito-angular-quickstart #50)`;
  if (reading.shape === 'missing-parameters')
    return `the same sentences followed by " Authorization=<header value>" (aws/chalice #828, nordcloud/cognitocurl #15)`;
  return undefined;
}

function shapeExplanation(reading: SigV4Reading): string {
  switch (reading.shape) {
    case 'algorithm-has-equal-sign':
      return 'its first word contains "=", so it cannot be the algorithm name';
    case 'missing-equal-sign':
      return 'after the first word ("Bearer" for a bearer token) comes a value without "=", which is not a key=value pair';
    case 'missing-parameters':
      return `it has no ${[...reading.missing, ...(reading.dateMissing ? ['X-Amz-Date/Date header'] : [])].join(', ')}${reading.missing.length === 3 ? ' (a raw token is read as an algorithm name with no parameters)' : ''}`;
    case 'complete':
      return 'it has the shape of a SigV4 signature';
  }
}

/**
 * REST: what API Gateway answers when it reads the request's Authorization header as SigV4; undefined reply when
 * there is no Authorization header (then: 403 Missing Authentication Token).
 */
function sigV4Answer(run: Run): { reply: HttpReply | undefined; complete: boolean } {
  const lookup = lookUpIdentity(run, 'Authorization');
  const found = lookup.value;
  if (!found) {
    run.add('iam', 'info', 'the request has no Authorization header: 403 "Missing Authentication Token"');
    return { reply: undefined, complete: false };
  }
  if (found.assumed) run.add('iam', 'info', 'the token given is taken as the Authorization header');
  const value = found.scheme ? `${found.scheme} ${found.token}` : found.token;
  const token = run.request.token;
  const hasDate = headerLine(token, 'date') !== undefined || headerLine(token, 'x-amz-date') !== undefined;
  const reading = readSigV4Header(value, hasDate);
  const message = incompleteSignatureMessage(reading, value);
  if (message === undefined) {
    run.add(
      'iam',
      'warn',
      'the Authorization header has the shape of a SigV4 signature: the simulator does not verify signatures (IAM decides); shown as refused with 403 "Missing Authentication Token"',
    );
    return { reply: undefined, complete: true };
  }
  run.add(
    'iam',
    'fail',
    `API Gateway reads the Authorization header as SigV4 (algorithm, then comma-separated key=value pairs): ${shapeExplanation(reading)}: 403 IncompleteSignatureException`,
  );
  const older = olderVariant(reading);
  run.add(
    'iam',
    'info',
    `observed, not documented: the message text has changed over time. The simulator prints the current form, where AWS shows a SHA-256/Base64 hash instead of the header value (awslabs/time-addressable-media-store #8, 2025; which bytes are hashed is unverified: the simulator hashes the whole header value)${
      older ? `; older answers were ${older}` : ''
    }${reading.shape === 'missing-parameters' ? '; the layout of the hashed tail after the sentences is seen in one emulator only' : ''}`,
  );
  return { reply: incompleteSignature(message), complete: false };
}

const MISSING_TOKEN_NOTE =
  'Missing Authentication Token is the documented MISSING_AUTHENTICATION_TOKEN gateway response (403); the body and x-amzn-ErrorType header are observed';

/** AWS_IAM: a bearer token never satisfies SigV4, so the request is refused before any backend. */
export function simulateIam(run: Run, kind: ApiKind): SimulationResult {
  run.add(
    'authorizer',
    'fail',
    'AWS_IAM authorization needs a SigV4-signed request; a bearer token never satisfies it',
  );
  if (kind !== 'rest') return run.deny(forbidden(kind), 'iam');
  const { reply } = sigV4Answer(run);
  if (reply) return run.deny(reply, 'iam');
  run.add('iam', 'info', MISSING_TOKEN_NOTE);
  return run.deny(noRoute('rest'), 'iam');
}

/**
 * No route matched. REST treats a path or method that exists nowhere like an AWS_IAM method: without an
 * Authorization header 403 "Missing Authentication Token", with a non-SigV4 one 403 IncompleteSignatureException.
 */
export function denyNoRoute(
  run: Run,
  match: Extract<RouteMatch, { ok: false }>,
  path: string,
): SimulationResult {
  if (match.apiKind !== 'rest') return run.deny(match.reply, 'route');
  const stage = run.request.config.api.stage;
  const first = path.split('/')[1] ?? '';
  run.add(
    'route',
    'info',
    `REST APIs answer an unknown path or method as if it were an AWS_IAM method. Usual causes: a wrong path, a wrong or missing stage in the URL (https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/path), or a method the resource does not have${
      stage !== '' && first === stage
        ? `; this path starts with the stage name "${stage}", but routes are matched on the path after the stage`
        : ''
    }`,
  );
  const { reply } = sigV4Answer(run);
  if (reply) return run.deny(reply, 'route');
  run.add('route', 'info', MISSING_TOKEN_NOTE);
  return run.deny(match.reply, 'route');
}
