// The one network primitive of the key layer: a GET that follows security.md's fetching rules to the letter.
import type * as dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import type * as http from 'node:http';
import type * as https from 'node:https';
import type * as tls from 'node:tls';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { KeyFetchError, displayText } from './keyErrors.ts';
import { checkKeyUrl } from './keyUrls.ts';
import { proxyFor, tunnelAgent } from './proxy.ts';
import type { ProxyEnv } from './proxy.ts';
import type { HttpGet, HttpResponse } from './types.ts';

interface Transports {
  http: typeof http;
  https: typeof https;
  dns: typeof dns;
  tls: typeof tls;
}

// node:http, node:https (with tls and net) and node:dns cost milliseconds to load; an editor activating the
// extension must not pay for them before the first key fetch.
let transports: Promise<Transports> | undefined;

function loadTransports(): Promise<Transports> {
  return (transports ??= Promise.all([
    import('node:http'),
    import('node:https'),
    import('node:dns'),
    import('node:tls'),
  ]).then(([httpModule, httpsModule, dnsModule, tlsModule]) => {
    return { http: httpModule, https: httpsModule, dns: dnsModule, tls: tlsModule };
  }));
}

/** Default total time budget of one key fetch (connect, headers, body, retry included). */
export const DEFAULT_TIMEOUT_MS = 5000;
/** Lower bound of the user-configurable timeout setting. */
export const MIN_TIMEOUT_MS = 1000;
/** Upper bound of the timeout setting, and the most any single fetch may take. */
export const MAX_TIMEOUT_MS = 30_000;
/** Largest key endpoint body we read; anything bigger is not a key set. */
export const DEFAULT_MAX_BYTES = 256 * 1024;
/** Sent as `accept`, and the JSON types a JWKS response may carry. */
export const KEY_FETCH_ACCEPT = 'application/json, application/jwk-set+json';
/** Identifies us to key endpoints and proxies. */
export const KEY_FETCH_USER_AGENT = 'cognito-auth-debugger/0.1 (key fetch)';

/** Settings and CLI flags go through this: 1..30 s, default 5 s. */
export function clampTimeoutMs(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return DEFAULT_TIMEOUT_MS;
  return Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, Math.round(ms)));
}

/** Injection points; none of them can weaken TLS verification. */
export interface HttpGetOptions {
  /** Custom agent. Left unset, VS Code's proxy support can patch in the host's proxy (it skips explicit agents). */
  agent?: http.Agent;
  /** Extra trusted CA certificates (tests, corporate CAs); adds trust, never disables verification. */
  ca?: string | Buffer | (string | Buffer)[];
  userAgent?: string;
  /**
   * Where to read HTTPS_PROXY / NO_PROXY from (the CLI passes process.env). Unset: no proxy handling here, which
   * is right inside VS Code, whose own proxy support takes over.
   */
  proxyEnv?: ProxyEnv;
}

// Broken-mid-way or "try again" failures: an immediate retry can help. Refused, DNS NXDOMAIN and TLS
// failures are deterministic, and a timeout has spent the budget, so none of those is retried.
const RETRYABLE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'EPREMATURECLOSE']);

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
]);

/**
 * GET for key endpoints: https (http on loopback only), no redirects, 200 only, one total deadline over
 * connect+headers+body (a retry shares it), a streaming size cap, no cookies or Authorization.
 * Failures reject with KeyFetchError; nothing else escapes.
 */
export function createHttpGet(options: HttpGetOptions = {}): HttpGet {
  return async (url, { timeoutMs, maxBytes }) => {
    const checked = checkKeyUrl(url);
    if (!checked.ok) throw new KeyFetchError(checked.error.code, checked.error.message);
    const budget =
      Number.isFinite(timeoutMs) && timeoutMs > 0 ? Math.min(timeoutMs, MAX_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
    const cap = Number.isFinite(maxBytes) && maxBytes > 0 ? maxBytes : DEFAULT_MAX_BYTES;
    const proxy =
      options.proxyEnv === undefined || options.agent !== undefined
        ? undefined
        : proxyFor(checked.value, options.proxyEnv);
    const request: Attempt = {
      transports: await loadTransports(),
      proxy,
      target: checked.value,
      shown: displayText(checked.value.href),
      deadline: performance.now() + budget,
      budget,
      maxBytes: cap,
      options,
    };
    try {
      return await attempt(request);
    } catch (err) {
      const retry =
        err instanceof KeyFetchError &&
        err.causeCode !== undefined &&
        RETRYABLE.has(err.causeCode) &&
        performance.now() < request.deadline;
      if (!retry) throw normalise(err, request);
      return attempt(request).catch((again: unknown) => Promise.reject(normalise(again, request)));
    }
  };
}

interface Attempt {
  transports: Transports;
  /** CONNECT proxy for this https target, if the environment names one. */
  proxy: URL | undefined;
  target: URL;
  shown: string;
  deadline: number;
  budget: number;
  maxBytes: number;
  options: HttpGetOptions;
}

function normalise(err: unknown, a: Attempt): KeyFetchError {
  if (err instanceof KeyFetchError) return err;
  return networkError(err, a);
}

function attempt(a: Attempt): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const remaining = a.deadline - performance.now();
    if (remaining <= 0) {
      reject(timeoutError(a));
      return;
    }
    let settled = false;
    let req: http.ClientRequest | undefined;
    let res: http.IncomingMessage | undefined;
    const finish = (err: KeyFetchError | undefined, value?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err !== undefined || value === undefined) {
        res?.destroy();
        req?.destroy();
        reject(err ?? networkError(undefined, a));
      } else {
        resolve(value);
      }
    };
    const timer = setTimeout(() => finish(timeoutError(a)), remaining);

    const isHttps = a.target.protocol === 'https:';
    const requestOptions: https.RequestOptions = {
      method: 'GET',
      headers: {
        accept: KEY_FETCH_ACCEPT,
        'user-agent': a.options.userAgent ?? KEY_FETCH_USER_AGENT,
        'accept-encoding': 'identity',
      },
      rejectUnauthorized: true,
      maxHeaderSize: 16 * 1024,
    };
    if (a.options.agent !== undefined) requestOptions.agent = a.options.agent;
    else if (a.proxy !== undefined && isHttps) {
      requestOptions.agent = tunnelAgent(a.transports, a.proxy, () => a.deadline - performance.now());
    }
    if (a.options.ca !== undefined) requestOptions.ca = a.options.ca;
    // Plain http is only allowed because the host is loopback; make sure "localhost" really resolves there.
    if (!isHttps) requestOptions.lookup = loopbackOnlyLookup(a.transports.dns);

    const onResponse = (response: http.IncomingMessage): void => {
      res = response;
      response.on('error', (err) => finish(networkError(err, a)));
      response.on('close', () => {
        if (!response.complete) finish(networkError({ code: 'EPREMATURECLOSE' }, a));
      });
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        const location = response.headers.location;
        const where = location === undefined ? '(no Location header)' : displayText(location);
        finish(
          new KeyFetchError(
            'redirect',
            `${a.shown}: redirected (HTTP ${status}) to ${where}; redirects are not followed, configure the final URL if you trust it`,
          ),
        );
        return;
      }
      if (status !== 200) {
        const text = response.statusMessage ? ` ${displayText(response.statusMessage, 60)}` : '';
        finish(
          new KeyFetchError(
            'http-status',
            `${a.shown}: the server answered HTTP ${status}${text}; expected 200`,
            `http-${status}`,
          ),
        );
        return;
      }
      const declared = response.headers['content-length'];
      if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > a.maxBytes) {
        finish(tooLargeError(a, `it declares ${declared} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        total += chunk.length;
        if (total > a.maxBytes) {
          finish(tooLargeError(a, 'stopped reading'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const contentType = response.headers['content-type'];
        finish(undefined, { status, contentType, body: Buffer.concat(chunks, total) });
      });
    };

    try {
      req = (isHttps ? a.transports.https : a.transports.http).request(a.target, requestOptions, onResponse);
    } catch (err) {
      finish(networkError(err, a));
      return;
    }
    req.on('error', (err) => finish(networkError(err, a)));
    req.end();
  });
}

function timeoutError(a: Attempt): KeyFetchError {
  return new KeyFetchError(
    'timeout',
    `${a.shown}: no complete answer within ${a.budget} ms (timeout); the endpoint is slow or unreachable, or a proxy is holding the connection`,
    'timeout',
  );
}

function tooLargeError(a: Attempt, why: string): KeyFetchError {
  return new KeyFetchError(
    'too-large',
    `${a.shown}: the response is larger than ${formatBytes(a.maxBytes)} (${why}); that is not a key set`,
  );
}

function formatBytes(n: number): string {
  return n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/** Maps system and TLS error codes to plain words; keeps the code for people who search it. */
function networkError(err: unknown, a: Attempt): KeyFetchError {
  if (err instanceof KeyFetchError) return err;
  const code = errorCode(err);
  const host = displayText(a.target.hostname, 100);
  const port = a.target.port || (a.target.protocol === 'https:' ? '443' : '80');
  const at = `${a.shown}:`;
  switch (code) {
    case 'ENOTFOUND':
      return new KeyFetchError(
        'network',
        `${at} could not resolve host ${host} (DNS lookup failed, ENOTFOUND)`,
        code,
      );
    case 'EAI_AGAIN':
      return new KeyFetchError(
        'network',
        `${at} could not resolve host ${host} right now (temporary DNS failure, EAI_AGAIN); are you offline?`,
        code,
      );
    case 'ENOTLOOPBACK':
      return new KeyFetchError(
        'insecure-url',
        `${at} ${host} does not resolve to a loopback address, so plain http is refused`,
        code,
      );
    case 'ECONNREFUSED':
      return new KeyFetchError(
        'network',
        `${at} connection refused by ${host}:${port} (ECONNREFUSED); nothing is listening there`,
        code,
      );
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return new KeyFetchError('network', `${at} the connection to ${host} was reset (${code})`, code);
    case 'EPREMATURECLOSE':
      return new KeyFetchError('network', `${at} the connection closed before the whole body arrived`, code);
    case 'ETIMEDOUT':
      return new KeyFetchError('timeout', `${at} connecting to ${host}:${port} timed out (ETIMEDOUT)`, code);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return new KeyFetchError('network', `${at} ${host} is unreachable (${code}); are you offline?`, code);
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return new KeyFetchError(
        'network',
        `${at} the TLS certificate of ${host} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'} (${code}); check the system clock`,
        code,
      );
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new KeyFetchError(
        'network',
        `${at} the TLS certificate does not match ${host} (${code}); a proxy may be intercepting HTTPS`,
        code,
      );
    default:
      break;
  }
  if (code !== undefined && TLS_CODES.has(code)) {
    return new KeyFetchError(
      'network',
      `${at} the TLS certificate of ${host} is not trusted (${code}); a proxy or antivirus may be intercepting HTTPS. ` +
        'If your network uses its own CA, add it with NODE_EXTRA_CA_CERTS (verification is never turned off)',
      code,
    );
  }
  if (code?.startsWith('ERR_SSL_') === true || code?.startsWith('ERR_TLS_') === true) {
    return new KeyFetchError('network', `${at} the TLS handshake with ${host} failed (${code})`, code);
  }
  const detail = err instanceof Error ? err.message : code;
  return new KeyFetchError(
    'network',
    `${at} the request failed (${displayText(detail ?? 'unknown error', 120)})`,
    code ?? 'unknown',
  );
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  return typeof code === 'string' ? code : undefined;
}

// Plain http is allowed only for loopback; refuse a "localhost" that resolves anywhere else.
/** A `lookup` for plain-http requests that resolves only to loopback addresses (keys and the sign-in API share it). */
export function loopbackOnlyLookup(dnsModule: typeof dns): LookupFunction {
  return (hostname, options, callback) => {
    dnsModule.lookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      const loopback = addresses.filter((a) =>
        a.family === 4 ? a.address.startsWith('127.') : a.address === '::1',
      );
      const first = loopback[0];
      if (first === undefined) {
        const refused = Object.assign(new Error(`${hostname} does not resolve to a loopback address`), {
          code: 'ENOTLOOPBACK',
        });
        callback(refused, '', 0);
        return;
      }
      if (options.all === true) callback(null, loopback);
      else callback(null, first.address, first.family);
    });
  };
}
