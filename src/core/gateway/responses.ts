// What the local gateway answers on the wire: the simulator's AWS reply with the headers AWS always adds, and the
// replies API Gateway and the ALB give when the target fails, is too slow or the request is too large.
import type { ApiKind } from '../config/model.ts';
import type { HttpReply } from '../simulate/awsResponses.ts';
import type { HeaderField } from './headers.ts';

/** API Gateway's payload limit is 10 MB (REST and HTTP APIs); the gateway caps bodies there, both ways. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** A synchronous Lambda invocation takes at most 6 MB of request and response payload (Lambda quotas). */
export const MAX_LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** API Gateway's default integration timeout (29 s); the ALB's idle timeout is 60 s. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 29_000;

function has(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function isJson(body: string): boolean {
  if (body === '' || (body[0] !== '{' && body[0] !== '[')) return false;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

/**
 * The reply's headers as the client receives them: API Gateway answers its JSON errors with
 * `content-type: application/json` and a request id (`x-amzn-RequestId` on REST, `apigw-requestid` on HTTP
 * APIs; observed, as on every API Gateway response); the ALB's own pages say `server: awselb/2.0` (observed).
 */
export function wireHeaders(kind: ApiKind, reply: HttpReply, requestId: string): HeaderField[] {
  const fields: HeaderField[] = Object.entries(reply.headers).map(([name, value]) => [name, value]);
  if (kind === 'alb') {
    if (!has(reply.headers, 'server')) fields.push(['server', 'awselb/2.0']);
    return fields;
  }
  if (!has(reply.headers, 'content-type') && isJson(reply.body))
    fields.push(['content-type', 'application/json']);
  if (kind === 'rest' && !has(reply.headers, 'x-amzn-requestid'))
    fields.push(['x-amzn-RequestId', requestId]);
  if (kind === 'http' && !has(reply.headers, 'apigw-requestid')) fields.push(['apigw-requestid', requestId]);
  return fields;
}

function albPage(status: number, title: string): HttpReply {
  return {
    status,
    body: `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
    headers: { 'content-type': 'text/html' },
  };
}

function json(status: number, message: string): HttpReply {
  return { status, body: JSON.stringify({ message }), headers: {} };
}

/** Why the target did not answer usefully. */
export type UpstreamProblem = 'timeout' | 'unreachable' | 'invalid-response' | 'function-error';

/**
 * The front door's answer when the integration fails: REST 504 "Endpoint request timed out" / 502 "Internal server
 * error"; HTTP API 503 "Service Unavailable" on a timeout, else 500 "Internal Server Error"; the ALB's 504 and 502
 * pages (ALB troubleshooting guide: 502 when the target or Lambda response is malformed, 504 on timeout).
 */
export function upstreamFailure(kind: ApiKind, problem: UpstreamProblem): HttpReply {
  const timeout = problem === 'timeout';
  if (kind === 'alb') return timeout ? albPage(504, 'Gateway Time-out') : albPage(502, 'Bad Gateway');
  if (kind === 'rest')
    return timeout ? json(504, 'Endpoint request timed out') : json(502, 'Internal server error');
  return timeout ? json(503, 'Service Unavailable') : json(500, 'Internal Server Error');
}

/** A request body over the payload limit: REST/HTTP API 413 (observed wording), the ALB's 413 page. */
export function requestTooLarge(kind: ApiKind): HttpReply {
  if (kind === 'alb') return albPage(413, 'Request Entity Too Large');
  return json(413, kind === 'rest' ? 'Request Too Long' : 'Request Entity Too Large');
}
