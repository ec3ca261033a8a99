// A Lambda target: the Invoke API path, and the function's proxy response mapped back to HTTP the way API Gateway
// (REST proxy, HTTP API payload 1.0/2.0) and the ALB map it.
import type { BackendEventKind } from '../simulate/backendEvent.ts';
import type { HttpReply } from '../simulate/awsResponses.ts';
import type { ApiKind } from '../config/model.ts';
import type { HeaderField } from './headers.ts';
import { upstreamFailure } from './responses.ts';

/** `POST /2015-03-31/functions/{FunctionName}/invocations` (Lambda API reference, Invoke). */
export function invokePath(functionName: string): string {
  return `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
}

/** What the Invoke API answered. */
export interface InvokeAnswer {
  status: number;
  /** `X-Amz-Function-Error` (Unhandled / Handled): the function threw; the body is its error object. */
  functionError: string | undefined;
  body: string;
}

/** An HTTP answer whose body may be binary (isBase64Encoded). */
export interface MappedResponse {
  status: number;
  headers: HeaderField[];
  body: Buffer;
  /** Why this is an error reply of the front door, when it is one (for the request log). */
  problem?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromReply(reply: HttpReply, problem: string): MappedResponse {
  const headers: HeaderField[] = Object.entries(reply.headers).map(([k, v]) => [k, v]);
  return { status: reply.status, headers, body: Buffer.from(reply.body), problem };
}

function apiKindOf(kind: BackendEventKind): ApiKind {
  if (kind === 'rest-proxy') return 'rest';
  return kind === 'alb-target' ? 'alb' : 'http';
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** JSON text of a parsed value; the text as sent when it nests too deep to serialise again (RangeError). */
function jsonText(value: unknown, asSent: string): string {
  try {
    return JSON.stringify(value);
  } catch {
    return asSent;
  }
}

/** `headers` then `multiValueHeaders` (a name in both: the multi-value list wins, as the ALB documents). */
function headersOf(response: Record<string, unknown>): HeaderField[] {
  const fields: HeaderField[] = [];
  const multi = isRecord(response.multiValueHeaders) ? response.multiValueHeaders : {};
  const multiNames = new Set(Object.keys(multi).map((k) => k.toLowerCase()));
  if (isRecord(response.headers)) {
    for (const [name, value] of Object.entries(response.headers)) {
      const text = scalar(value);
      if (text !== undefined && !multiNames.has(name.toLowerCase())) fields.push([name, text]);
    }
  }
  for (const [name, values] of Object.entries(multi)) {
    if (!Array.isArray(values)) continue;
    for (const value of values) {
      const text = scalar(value);
      if (text !== undefined) fields.push([name, text]);
    }
  }
  return fields;
}

/**
 * Map the Invoke answer to what the client receives. A function error, an Invoke failure or a malformed proxy
 * response is the front door's integration error (REST 502, HTTP API 500, ALB 502). HTTP API payload 2.0 also
 * accepts a response without statusCode: 200 with the value as a JSON body (documented "format 2.0 response").
 */
export function mapLambdaResponse(kind: BackendEventKind, answer: InvokeAnswer): MappedResponse {
  const apiKind = apiKindOf(kind);
  const failure = (problem: string): MappedResponse =>
    fromReply(
      upstreamFailure(apiKind, problem.startsWith('the function') ? 'function-error' : 'invalid-response'),
      problem,
    );
  if (answer.status !== 200) return failure(`the Invoke API answered HTTP ${answer.status}`);
  if (answer.functionError !== undefined)
    return failure(`the function failed (X-Amz-Function-Error: ${answer.functionError.slice(0, 40)})`);
  let value: unknown;
  try {
    value = JSON.parse(answer.body);
  } catch {
    if (kind === 'http-2.0')
      return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(answer.body) };
    return failure('the function returned a response that is not JSON');
  }
  const hasStatus = isRecord(value) && value.statusCode !== undefined;
  if (!hasStatus) {
    if (kind === 'http-2.0') {
      const body = typeof value === 'string' ? value : jsonText(value, answer.body);
      return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) };
    }
    return failure('the function returned no statusCode (a proxy response needs one)');
  }
  const response = value as Record<string, unknown>;
  // Only a number or a numeric string: Number() of a nested array recurses through toString (RangeError).
  const statusText = scalar(response.statusCode);
  const status = typeof response.statusCode === 'number' ? response.statusCode : Number(statusText ?? NaN);
  if (!Number.isInteger(status) || status < 100 || status > 599)
    return failure(
      `the function returned statusCode ${(statusText ?? typeof response.statusCode).slice(0, 20)}`,
    );
  const headers = headersOf(response);
  if (kind === 'http-2.0' && Array.isArray(response.cookies)) {
    for (const cookie of response.cookies)
      if (typeof cookie === 'string') headers.push(['set-cookie', cookie]);
  }
  const bodyValue = response.body;
  if (bodyValue !== undefined && bodyValue !== null && typeof bodyValue !== 'string')
    return failure('the function returned a body that is not a string');
  const text = typeof bodyValue === 'string' ? bodyValue : '';
  const body = response.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text);
  return { status, headers, body };
}
