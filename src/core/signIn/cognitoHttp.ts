// The Cognito user pools JSON API over HTTPS, for sign-in only: POST with X-Amz-Target, no redirects, one
// deadline, a response cap. Unlike the key fetcher it reads 4xx bodies (Cognito's errors are JSON on 400).
import type * as http from 'node:http';
import type * as https from 'node:https';
import { loopbackOnlyLookup } from '../keys/httpGet.ts';
import { isLoopbackHostname } from '../keys/keyUrls.ts';
import { proxyFor, tunnelAgent } from '../keys/proxy.ts';
import type { ProxyEnv } from '../keys/proxy.ts';
import { displayText } from '../keys/keyErrors.ts';
import { PARTITION_DNS_SUFFIX, parseUserPoolId } from '../awsIdentifiers.ts';

/** What a Cognito API call answers: the HTTP status and the parsed JSON body ({} when empty). */
export interface CognitoReply {
  status: number;
  json: Record<string, unknown>;
}

/** One Cognito API action (InitiateAuth, RespondToAuthChallenge) with its JSON request. */
export type CognitoCall = (action: string, body: Record<string, unknown>) => Promise<CognitoReply>;

/** A JSON POST; the network is injected so tests and the extension choose the transport. */
export type JsonPost = (
  url: URL,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; maxBytes: number },
) => Promise<{ status: number; body: string }>;

const MAX_REPLY_BYTES = 256 * 1024;

/**
 * The public endpoint of a pool's region: `https://cognito-idp.{region}.amazonaws.com/`; GovCloud serves Cognito
 * on FIPS endpoints only (docs/aws-behaviour.md, "Cognito issuer formats").
 */
export function cognitoEndpointForPool(poolId: string): string | undefined {
  const pool = parseUserPoolId(poolId);
  if (pool === undefined) return undefined;
  const host = pool.partition === 'aws-us-gov' ? 'cognito-idp-fips' : 'cognito-idp';
  return `https://${host}.${pool.region}.${PARTITION_DNS_SUFFIX[pool.partition]}/`;
}

/** https anywhere, plain http on loopback only (cognito-local); no credentials, query or fragment. */
export function checkCognitoEndpoint(text: string): { ok: true; url: URL } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `"${displayText(text)}" is not a URL` };
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    return {
      ok: false,
      message: `${displayText(text)}: an endpoint carries no credentials, query or fragment`,
    };
  if (url.protocol === 'https:') return { ok: true, url };
  if (url.protocol === 'http:' && isLoopbackHostname(url.hostname)) return { ok: true, url };
  return {
    ok: false,
    message: `${displayText(text)}: passwords are sent over https only (plain http only to localhost, for cognito-local)`,
  };
}

/** The Cognito API at `endpoint` through `post`. Network failures reject with an Error naming the endpoint. */
export function cognitoCall(endpoint: URL, post: JsonPost, timeoutMs: number): CognitoCall {
  return async (action, body) => {
    const reply = await post(
      endpoint,
      {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${action}`,
      },
      JSON.stringify(body),
      { timeoutMs, maxBytes: MAX_REPLY_BYTES },
    );
    let json: unknown = {};
    if (reply.body.trim() !== '') {
      try {
        json = JSON.parse(reply.body);
      } catch {
        throw new Error(
          `${displayText(endpoint.href)} answered HTTP ${reply.status} with a body that is not JSON`,
        );
      }
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new Error(
        `${displayText(endpoint.href)} answered HTTP ${reply.status} with JSON that is not an object`,
      );
    return { status: reply.status, json: json as Record<string, unknown> };
  };
}

export interface JsonPostOptions {
  /** HTTPS_PROXY / NO_PROXY (the CLI passes process.env; VS Code's own proxy support patches the agent). */
  proxyEnv?: ProxyEnv;
  ca?: string | Buffer | (string | Buffer)[];
}

/** node:http(s) POST: TLS verified, redirects refused, one deadline over the whole exchange, reply capped. */
export function createJsonPost(options: JsonPostOptions = {}): JsonPost {
  return async (url, headers, body, { timeoutMs, maxBytes }) => {
    const isHttps = url.protocol === 'https:';
    const [httpModule, httpsModule, tls, dns] = await Promise.all([
      import('node:http'),
      import('node:https'),
      import('node:tls'),
      import('node:dns'),
    ]);
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, value?: { status: number; body: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error || !value) {
          request.destroy();
          reject(error ?? new Error('request failed'));
        } else resolve(value);
      };
      const timer = setTimeout(
        () => finish(new Error(`${displayText(url.href)}: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const requestOptions: https.RequestOptions = {
        method: 'POST',
        headers: {
          ...headers,
          'content-length': String(Buffer.byteLength(body)),
          'accept-encoding': 'identity',
        },
        rejectUnauthorized: true,
        maxHeaderSize: 16 * 1024,
      };
      if (options.ca !== undefined) requestOptions.ca = options.ca;
      const proxy = isHttps && options.proxyEnv ? proxyFor(url, options.proxyEnv) : undefined;
      if (proxy)
        requestOptions.agent = tunnelAgent(
          { http: httpModule, https: httpsModule, tls },
          proxy,
          () => deadline - Date.now(),
        );
      // Plain http is allowed only because the host is loopback: make sure "localhost" resolves there.
      if (!isHttps) requestOptions.lookup = loopbackOnlyLookup(dns);
      const onResponse = (response: http.IncomingMessage): void => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          finish(
            new Error(`${displayText(url.href)} redirected (HTTP ${status}); redirects are not followed`),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes)
            finish(new Error(`${displayText(url.href)}: the answer is over ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => finish(undefined, { status, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => finish(error));
      };
      const request = (isHttps ? httpsModule : httpModule).request(url, requestOptions, onResponse);
      request.on('error', (error) =>
        finish(new Error(`${displayText(url.href)}: ${displayText(error.message, 120)}`)),
      );
      request.end(body);
    });
  };
}
