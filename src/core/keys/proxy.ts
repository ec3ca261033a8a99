// Key fetches through a corporate proxy, the way command-line tools honour one: HTTPS_PROXY, NO_PROXY, CONNECT.
import type * as http from 'node:http';
import type * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type * as tls from 'node:tls';
import { KeyFetchError, displayText } from './keyErrors.ts';
import { isLoopbackHostname } from './keyUrls.ts';

/** The environment variables that choose a proxy (lower case wins, as in curl). */
export type ProxyEnv = Record<string, string | undefined>;

/**
 * The proxy for an https key URL, or undefined for a direct connection. Loopback targets (local emulators)
 * are never proxied; NO_PROXY lists hosts or domain suffixes (`.example.com`, `example.com`, `*`).
 */
export function proxyFor(target: URL, env: ProxyEnv): URL | undefined {
  if (target.protocol !== 'https:' || isLoopbackHostname(target.hostname)) return undefined;
  const raw = (env['https_proxy'] ?? env['HTTPS_PROXY'] ?? '').trim();
  if (raw === '') return undefined;
  if (bypassed(target, env['no_proxy'] ?? env['NO_PROXY'] ?? '')) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new KeyFetchError('invalid-url', `HTTPS_PROXY "${displayText(raw, 80)}" is not a valid URL`);
  }
  if (proxy.protocol !== 'http:') {
    throw new KeyFetchError(
      'invalid-url',
      `HTTPS_PROXY ${displayText(proxy.origin, 80)}: only http:// proxies (CONNECT tunnels) are supported`,
    );
  }
  return proxy;
}

function bypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase();
  const port = target.port || '443';
  for (const rawEntry of noProxy.split(',')) {
    const entry = rawEntry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const colon = entry.lastIndexOf(':');
    const hasPort = colon > 0 && /^\d+$/.test(entry.slice(colon + 1)) && !entry.endsWith(']');
    if (hasPort && entry.slice(colon + 1) !== port) continue;
    const name = (hasPort ? entry.slice(0, colon) : entry).replace(/^\*?\./, '');
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** Node modules the tunnel needs; passed in because the key layer loads them on the first fetch. */
export interface TunnelModules {
  http: typeof http;
  https: typeof https;
  tls: typeof tls;
}

/**
 * An https agent whose connections are CONNECT tunnels through `proxy`; TLS to the key endpoint runs inside
 * the tunnel with the usual verification. Proxy credentials (from the proxy URL) go to the proxy only.
 */
export function tunnelAgent(modules: TunnelModules, proxy: URL, deadline: () => number): https.Agent {
  const proxyName = displayText(proxy.host, 100);
  const authorization =
    proxy.username === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;

  class TunnelAgent extends modules.https.Agent {
    override createConnection(
      options: http.RequestOptions,
      callback?: (err: Error | null, stream: Duplex) => void,
    ): undefined {
      // Node's agent handles (err) alone on failure; the typings insist on a stream argument.
      const done = (callback ?? ((): void => undefined)) as (err: Error | null, stream?: Duplex) => void;
      const tlsOptions = options as tls.ConnectionOptions;
      const target = `${options.host ?? ''}:${options.port ?? 443}`;
      const connect = modules.http.request({
        host: proxy.hostname,
        port: proxy.port || 80,
        method: 'CONNECT',
        path: target,
        agent: false,
        headers: {
          host: target,
          ...(authorization === undefined ? {} : { 'proxy-authorization': authorization }),
        },
      });
      let finished = false;
      const fail = (error: Error): void => {
        if (finished) return;
        finished = true;
        connect.destroy();
        done(error);
      };
      connect.setTimeout(Math.max(1, deadline()), () =>
        fail(new KeyFetchError('timeout', `the proxy ${proxyName} did not open a tunnel in time (timeout)`)),
      );
      connect.once('connect', (response, socket) => {
        if (finished) {
          socket.destroy();
          return;
        }
        if (response.statusCode !== 200) {
          socket.destroy();
          const why = response.statusCode === 407 ? ' (proxy authentication required)' : '';
          fail(
            new KeyFetchError(
              'network',
              `the proxy ${proxyName} refused a tunnel to ${displayText(target, 100)}: HTTP ${response.statusCode ?? '?'}${why}`,
            ),
          );
          return;
        }
        finished = true;
        connect.setTimeout(0);
        const servername = tlsOptions.servername ?? options.host ?? undefined;
        done(null, modules.tls.connect({ ...tlsOptions, socket, ...(servername ? { servername } : {}) }));
      });
      connect.once('error', (error: NodeJS.ErrnoException) =>
        fail(
          new KeyFetchError(
            'network',
            `could not reach the proxy ${proxyName} (${error.code ?? displayText(error.message, 80)})`,
            error.code,
          ),
        ),
      );
      connect.end();
      return undefined;
    }
  }
  return new TunnelAgent({ keepAlive: false });
}
