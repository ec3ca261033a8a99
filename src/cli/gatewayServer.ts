// The local enforcing gateway's sockets: a node:http server that runs every request through the simulator
// (src/core/gateway/decide.ts) and either answers AWS's reply or forwards to the target (an HTTP server, or a
// Lambda Invoke API endpoint such as `sam local start-lambda`), plus the loopback ALB key endpoint. Reusable by
// the extension: `startGateway(options, deps)` owns no process state (no signals, no stdout).
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { SimConfig } from '../core/config/model.ts';
import type { ApiKind } from '../core/config/model.ts';
import type { AlbDataSigner } from '../core/gateway/albData.ts';
import { createAlbDataSigner, withGatewayAlbKey } from '../core/gateway/albData.ts';
import type { GatewayDecision, GatewayLogEntry, GatewayRequest } from '../core/gateway/decide.ts';
import { decideGatewayRequest, logEntry, prepareGatewayConfig } from '../core/gateway/decide.ts';
import type { HeaderField } from '../core/gateway/headers.ts';
import { fieldsFromRaw, forwardedFor, headerValues, withoutHopByHop } from '../core/gateway/headers.ts';
import type { MappedResponse } from '../core/gateway/lambdaProxy.ts';
import { invokePath, mapLambdaResponse } from '../core/gateway/lambdaProxy.ts';
import type { UpstreamProblem } from '../core/gateway/responses.ts';
import {
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  MAX_BODY_BYTES,
  MAX_LAMBDA_PAYLOAD_BYTES,
  requestTooLarge,
  upstreamFailure,
  wireHeaders,
} from '../core/gateway/responses.ts';
import type { KeyProvider } from '../core/keys/types.ts';
import { redactText } from '../core/redact.ts';
import type { HttpReply } from '../core/simulate/awsResponses.ts';
import { buildBackendEvent } from '../core/simulate/backendEvent.ts';
import type { UserKeyUrls } from '../core/simulate/result.ts';

/** Where allowed requests go. */
export type GatewayTarget =
  | { kind: 'http'; url: URL }
  | {
      kind: 'lambda';
      /** The Invoke API endpoint, e.g. http://127.0.0.1:3001 (`sam local start-lambda`). */
      url: URL;
      /** Function for routes not in `functions`. */
      functionName?: string;
      /** Route key as configured ("GET /orders/{id}") -> function name. */
      functions?: Readonly<Record<string, string>>;
      /** HTTP API integration payload format (REST and ALB events have one shape). Default 2.0. */
      payloadVersion?: '1.0' | '2.0';
    };

export interface GatewayOptions {
  config: SimConfig;
  target: GatewayTarget;
  /** 0 picks a free port (the real one is in the returned url). */
  port: number;
  /** 127.0.0.1 unless the user asked for another interface. */
  host: string;
  keyUrls?: UserKeyUrls;
  upstreamTimeoutMs?: number;
  maxBodyBytes?: number;
  /**
   * Called once per request, after the client got its answer. `request` is the request as received, its
   * headers (tokens) included: for in-memory use only (the extension reopens it as a simulation), never to print.
   */
  onRequest?: (entry: GatewayLogEntry, request: GatewayRequest) => void;
}

export interface GatewayDeps {
  /** The key store shared by every request (cached like `simulate`'s). */
  keys: KeyProvider;
  nowMs(): number;
}

export interface RunningGateway {
  url: string;
  /** Base URL of the loopback ALB key endpoint (`GET <base>/<kid>` serves the PEM), when the config has ALB authorizers. */
  albKeyUrl?: string;
  close(): Promise<void>;
}

/** Headers of a response we write ourselves, as Node's flat [name, value, ...] list (repeats allowed). */
function flat(fields: readonly HeaderField[]): string[] {
  return fields.flatMap(([name, value]) => [name, value]);
}

/** Header fields as Node's outgoing request headers: repeated names become arrays. */
function outgoing(fields: readonly HeaderField[]): http.OutgoingHttpHeaders {
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of fields) {
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else headers[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return headers;
}

function tracked(server: http.Server): { close(): Promise<void> } {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The loopback endpoint the backend's own ALB verification fetches the key from: one PEM per kid. */
function keyEndpoint(signer: AlbDataSigner): http.Server {
  return http.createServer((req, res) => {
    req.resume();
    if ((req.method === 'GET' || req.method === 'HEAD') && req.url === `/${signer.kid}`) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      res.end(req.method === 'HEAD' ? undefined : signer.publicKeyPem);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such key\n');
  });
}

/** Read a request body into memory up to `cap` bytes; undefined when it is larger. */
function readBody(req: http.IncomingMessage, cap: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > cap ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Start the gateway (and the ALB key endpoint when ALB authorizers exist); resolves once both listen. */
export async function startGateway(options: GatewayOptions, deps: GatewayDeps): Promise<RunningGateway> {
  const signer = createAlbDataSigner();
  const hasAlb = Object.values(options.config.authorizers).some((a) => a.type === 'alb');
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  let keyServer: { close(): Promise<void> } | undefined;
  let albKeyUrl: string | undefined;
  if (hasAlb) {
    const server = keyEndpoint(signer);
    keyServer = tracked(server);
    // Loopback always, whatever --host says: only the local backend fetches this key.
    const keyPort = await listen(server, 0, '127.0.0.1');
    albKeyUrl = `http://127.0.0.1:${keyPort}`;
  }
  const keys = albKeyUrl === undefined ? deps.keys : withGatewayAlbKey(deps.keys, albKeyUrl, signer);
  const config = albKeyUrl === undefined ? options.config : prepareGatewayConfig(options.config, albKeyUrl);
  const context = { config, deps: { keys }, signer, keyUrls: options.keyUrls };
  let listenPort = 0;

  const reply = (
    res: http.ServerResponse,
    method: string,
    status: number,
    fields: readonly HeaderField[],
    body: Buffer,
  ): void => {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const withLength: HeaderField[] = [
      ...fields.filter(([name]) => name.toLowerCase() !== 'content-length'),
      ['content-length', String(body.length)],
    ];
    try {
      res.writeHead(status, flat(withLength));
    } catch {
      // A header a Lambda function returned that HTTP cannot carry (a newline in a value...): the front door's 502.
      const failed = Buffer.from(JSON.stringify({ message: 'Internal server error' }));
      res.writeHead(502, { 'content-type': 'application/json', 'content-length': String(failed.length) });
      res.end(method === 'HEAD' ? undefined : failed);
      return;
    }
    res.end(method === 'HEAD' ? undefined : body);
  };

  const awsReply = (res: http.ServerResponse, method: string, kind: ApiKind, answer: HttpReply): void =>
    reply(res, method, answer.status, wireHeaders(kind, answer, randomUUID()), Buffer.from(answer.body));

  const forwardHttp = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    request: GatewayRequest,
    decision: Extract<GatewayDecision, { action: 'forward' }>,
    target: URL,
  ): Promise<{ status: number; problem?: string }> =>
    new Promise((resolve) => {
      const kind = decision.apiKind;
      const fail = (problem: UpstreamProblem, why: string): void => {
        const answer = upstreamFailure(kind, problem);
        awsReply(res, request.method, kind, answer);
        resolve({ status: answer.status, problem: why });
      };
      const declared = Number(headerValues(request.headers, 'content-length')[0] ?? '0');
      if (Number.isFinite(declared) && declared > maxBodyBytes) {
        req.resume();
        const answer = requestTooLarge(kind);
        awsReply(res, request.method, kind, answer);
        resolve({
          status: answer.status,
          problem: `request body of ${declared} bytes is over ${maxBodyBytes}`,
        });
        return;
      }
      const prefix = target.pathname.replace(/\/+$/, '');
      const client = target.protocol === 'https:' ? https : http;
      const upstream = client.request({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port === '' ? undefined : Number(target.port),
        method: request.method,
        path: `${prefix}${request.target}`,
        headers: outgoing(forwardedFor(decision.headers, request.remoteAddress, listenPort)),
      });
      let settled = false;
      const done = (status: number, problem?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(problem === undefined ? { status } : { status, problem });
      };
      // API Gateway's integration timeout: the target must start answering within it.
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        upstream.destroy();
        fail('timeout', `the target did not answer within ${upstreamTimeoutMs} ms`);
      }, upstreamTimeoutMs);
      // Once the target answers, a stall of the same length while streaming breaks the connection off.
      upstream.setTimeout(upstreamTimeoutMs, () => upstream.destroy(new Error('the target stalled')));
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        // After our own answer (timeout, 413) the destroyed request's error is expected; mid-stream it cuts the client off.
        if (settled) {
          if (!res.writableEnded) res.destroy();
          return;
        }
        settled = true;
        clearTimeout(timer);
        fail('unreachable', `the target failed: ${error.code ?? error.message}`);
      });
      upstream.on('response', (upRes) => {
        clearTimeout(timer);
        const status = upRes.statusCode ?? 502;
        const fields = withFrontDoorHeaders(
          withoutHopByHop(fieldsFromRaw(upRes.rawHeaders)),
          decision.responseHeaders,
        );
        res.writeHead(status, flat(fields));
        let size = 0;
        upRes.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) {
            upRes.destroy();
            res.destroy();
            done(status, `the target's response is over ${maxBodyBytes} bytes: cut off`);
            return;
          }
          if (!res.write(chunk)) {
            upRes.pause();
            res.once('drain', () => upRes.resume());
          }
        });
        upRes.on('end', () => {
          res.end();
          done(status);
        });
        upRes.on('error', () => {
          res.destroy();
          done(status, 'the target broke off its response');
        });
      });
      // The client went away: stop the upstream request too.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      let sent = 0;
      req.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        if (sent > maxBodyBytes) {
          req.removeAllListeners('data');
          req.resume();
          upstream.destroy();
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            const answer = requestTooLarge(kind);
            awsReply(res, request.method, kind, answer);
            resolve({ status: answer.status, problem: `request body over ${maxBodyBytes} bytes` });
          }
          return;
        }
        if (!upstream.write(chunk)) {
          req.pause();
          upstream.once('drain', () => req.resume());
        }
      });
      req.on('end', () => upstream.end());
    });

  const invokeLambda = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    request: GatewayRequest,
    decision: Extract<GatewayDecision, { action: 'forward' }>,
    target: Extract<GatewayTarget, { kind: 'lambda' }>,
    now: number,
  ): Promise<{ status: number; problem?: string }> => {
    const kind = decision.apiKind;
    const body = await readBody(req, MAX_LAMBDA_PAYLOAD_BYTES);
    if (body === undefined) {
      const answer = requestTooLarge(kind);
      awsReply(res, request.method, kind, answer);
      return {
        status: answer.status,
        problem: `request body over ${MAX_LAMBDA_PAYLOAD_BYTES} bytes (Lambda payload limit)`,
      };
    }
    const routeKey = decision.result.route?.route;
    const functions = target.functions ?? {};
    const functionName =
      (routeKey !== undefined && Object.hasOwn(functions, routeKey) ? functions[routeKey] : undefined) ??
      target.functionName;
    if (functionName === undefined) {
      const answer = upstreamFailure(kind, 'invalid-response');
      awsReply(res, request.method, kind, answer);
      return { status: answer.status, problem: `no function for route ${routeKey ?? '?'}: give --function` };
    }
    const allowed = { ...decision.result, decision: 'allow' as const };
    const options: Parameters<typeof buildBackendEvent>[2] = { now };
    if (body.length > 0) options.body = body.toString('utf8');
    if (target.payloadVersion !== undefined) options.payloadVersion = target.payloadVersion;
    const built = buildBackendEvent(decision.request, allowed, options);
    if (built === undefined) {
      const answer = upstreamFailure(kind, 'invalid-response');
      awsReply(res, request.method, kind, answer);
      return { status: answer.status, problem: 'no backend event for this request' };
    }
    dropUnknownAccessToken(built.event, decision.headers);
    const answer = await postInvoke(target.url, functionName, JSON.stringify(built.event), upstreamTimeoutMs);
    let mapped: MappedResponse;
    if ('problem' in answer) {
      const failed = upstreamFailure(kind, answer.problem);
      mapped = {
        status: failed.status,
        headers: wireHeaders(kind, failed, randomUUID()),
        body: Buffer.from(failed.body),
        problem: answer.why,
      };
    } else mapped = mapLambdaResponse(built.kind, answer);
    if (mapped.body.length > MAX_LAMBDA_PAYLOAD_BYTES) {
      const failed = upstreamFailure(kind, 'invalid-response');
      mapped = {
        status: failed.status,
        headers: wireHeaders(kind, failed, randomUUID()),
        body: Buffer.from(failed.body),
        problem: 'the function response is over the Lambda payload limit',
      };
    }
    const headers =
      mapped.problem === undefined
        ? withFrontDoorHeaders(withoutHopByHop(mapped.headers), decision.responseHeaders)
        : withoutHopByHop(mapped.headers);
    reply(res, request.method, mapped.status, headers, mapped.body);
    return mapped.problem === undefined
      ? { status: mapped.status }
      : { status: mapped.status, problem: mapped.problem };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const request: GatewayRequest = {
      method: req.method ?? 'GET',
      target: req.url ?? '/',
      headers: fieldsFromRaw(req.rawHeaders),
      remoteAddress: req.socket.remoteAddress,
    };
    const now = deps.nowMs() / 1000;
    let decision: GatewayDecision;
    try {
      decision = await decideGatewayRequest(request, context, now);
    } catch (error) {
      req.resume();
      reply(
        res,
        request.method,
        500,
        [['content-type', 'text/plain']],
        Buffer.from('authdbg gateway: internal error\n'),
      );
      options.onRequest?.(
        {
          method: request.method,
          path: redactText(request.target.split('?', 1)[0] ?? '/'),
          decision: 'deny',
          status: 500,
          decidedBy: 'config',
          reason: `internal error: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown'}`,
          route: null,
          forwarded: false,
        },
        request,
      );
      return;
    }
    if (decision.action === 'respond') {
      req.resume();
      awsReply(res, request.method, decision.apiKind, decision.reply);
      options.onRequest?.(logEntry(request, decision, decision.reply.status), request);
      return;
    }
    const target = options.target;
    const outcome =
      target.kind === 'http'
        ? await forwardHttp(req, res, request, decision, target.url)
        : await invokeLambda(req, res, request, decision, target, now);
    options.onRequest?.(logEntry(request, decision, outcome.status, outcome.problem), request);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // Slow or stuck clients cannot hold the gateway: headers within 30 s, the whole request within 2 minutes.
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  const gatewayServer = tracked(server);
  try {
    listenPort = await listen(server, options.port, options.host);
  } catch (error) {
    await keyServer?.close();
    throw error;
  }
  const running: RunningGateway = {
    url: `http://${urlHost(options.host)}:${listenPort}`,
    close: async () => {
      await Promise.all([gatewayServer.close(), keyServer?.close()]);
    },
  };
  if (albKeyUrl !== undefined) running.albKeyUrl = albKeyUrl;
  return running;
}

/** The target's response headers with the front door's own (CORS) replacing any of the same name. */
function withFrontDoorHeaders(fields: readonly HeaderField[], added: readonly HeaderField[]): HeaderField[] {
  if (added.length === 0) return [...fields];
  const names = new Set(added.map(([name]) => name.toLowerCase()));
  return [...fields.filter(([name]) => !names.has(name.toLowerCase())), ...added];
}

/** The event's x-amzn-oidc-accesstoken is a placeholder unless the client gave the access token: left out then. */
function dropUnknownAccessToken(event: Record<string, unknown>, forwarded: readonly HeaderField[]): void {
  if (forwarded.some(([name]) => name === 'x-amzn-oidc-accesstoken')) return;
  for (const key of ['headers', 'multiValueHeaders']) {
    const map = event[key];
    if (typeof map === 'object' && map !== null && !Array.isArray(map))
      delete (map as Record<string, unknown>)['x-amzn-oidc-accesstoken'];
  }
}

type InvokeResult =
  | { status: number; functionError: string | undefined; body: string }
  | { problem: UpstreamProblem; why: string };

/** POST the event to the Invoke API; the answer capped at the Lambda payload limit, within the timeout. */
function postInvoke(
  base: URL,
  functionName: string,
  event: string,
  timeoutMs: number,
): Promise<InvokeResult> {
  return new Promise((resolve) => {
    const prefix = base.pathname.replace(/\/+$/, '');
    const client = base.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (result: InvokeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request({
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port === '' ? undefined : Number(base.port),
      method: 'POST',
      path: `${prefix}${invokePath(functionName)}`,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(event)),
        'x-amz-invocation-type': 'RequestResponse',
      },
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish({ problem: 'timeout', why: `the function did not answer within ${timeoutMs} ms` });
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({ problem: 'unreachable', why: `the Invoke API failed: ${error.code ?? error.message}` }),
    );
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_LAMBDA_PAYLOAD_BYTES) {
          response.destroy();
          finish({
            problem: 'invalid-response',
            why: 'the function response is over the Lambda payload limit',
          });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const errorHeader = response.headers['x-amz-function-error'];
        finish({
          status: response.statusCode ?? 502,
          functionError: typeof errorHeader === 'string' ? errorHeader : undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      response.on('error', () =>
        finish({ problem: 'invalid-response', why: 'the Invoke API broke off its answer' }),
      );
    });
    request.end(event);
  });
}
