// Unit tests are hermetic: preloaded by `npm run test:unit` (`--import ./test/support/noNetwork.ts`), this refuses
// every connection and DNS lookup that is not loopback. Names under the reserved TLDs `.invalid`, `.test` and
// `.example` (RFC 2606, RFC 6761) fail with ENOTFOUND here, as the real resolver would, without asking it. A refused attempt throws where it is made (so nothing
// leaves the machine) and is also raised as an uncaught exception, which node:test pins on the running test:
// a regression that makes an offline path call AWS fails loudly even when the code under test catches the
// error and turns it into a "key could not be fetched" finding.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as Dns from 'node:dns';
import type * as Net from 'node:net';
import { resolve } from 'node:path';

// The CommonJS module objects: patching them (and syncing) reaches every importer, ESM or CJS.
const load = createRequire(resolve('package.json'));
const net = load('node:net') as typeof Net & { _normalizeArgs?: (args: unknown[]) => unknown[] };
const dns = load('node:dns') as typeof Dns;

const MARK = 'noNetwork';

interface GuardState {
  installed: boolean;
  /** While > 0, refusals are recorded for the guard's own tests instead of failing the run. */
  expecting: number;
  refused: string[];
}

// Kept on globalThis so a second copy of this module (another loader) shares one guard.
const STATE_KEY = Symbol.for('cognito-auth-debugger.noNetwork');
const globals = globalThis as typeof globalThis & { [STATE_KEY]?: GuardState };
const state: GuardState = (globals[STATE_KEY] ??= { installed: false, expecting: 0, refused: [] });

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('0.0.0.0', 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addAddress('::', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** `localhost`, 127.0.0.0/8, ::1 (any spelling) and the unspecified addresses: none of them leaves the machine. */
export function isLoopbackHost(host: string): boolean {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === 'localhost') return true;
  if (net.isIPv4(name)) return LOOPBACK.check(name, 'ipv4');
  if (net.isIPv6(name)) return LOOPBACK.check(name, 'ipv6');
  return false;
}

const RESERVED_TLDS = new Set(['invalid', 'test', 'example']);

/** A name that by RFC 6761 never resolves: answered locally with ENOTFOUND, never sent to a resolver. */
export function isReservedName(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  return RESERVED_TLDS.has(name.slice(name.lastIndexOf('.') + 1));
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname,
  });
}

/** A dns.lookup stand-in for reserved names: fails the way getaddrinfo does, asynchronously. */
function reservedLookup(hostname: string, _options: unknown, callback: (error: Error) => void): void {
  process.nextTick(() => callback(notFound(hostname)));
}

function refuse(what: string): Error {
  const error = new Error(
    `${MARK}: unit tests may only reach loopback; refused ${what}. Hand the code a loopback server (test/support/httpServer.ts) or an injected HttpGet instead.`,
  );
  state.refused.push(what);
  if (state.expecting === 0) {
    process.exitCode = 1;
    // Thrown again outside any catch: node:test fails the test that made the attempt.
    process.nextTick(() => {
      throw error;
    });
  }
  return error;
}

interface ConnectTarget {
  host: string;
  port: unknown;
  /** The connect options and callback, when they could be read (to swap in a local lookup). */
  options: Record<string, unknown> | undefined;
  callback: unknown;
}

function connectTarget(args: unknown[]): ConnectTarget | undefined {
  const normalized = Array.isArray(args[0])
    ? (args[0] as unknown[])
    : net._normalizeArgs !== undefined
      ? net._normalizeArgs(args)
      : args;
  const options = normalized[0];
  if (options !== null && typeof options === 'object') {
    const { host, port, path } = options as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof path === 'string') return undefined; // a local (Unix or pipe) socket
    return {
      host: typeof host === 'string' ? host : 'localhost',
      port,
      options: options as Record<string, unknown>,
      callback: normalized[1],
    };
  }
  return {
    host: typeof args[1] === 'string' ? args[1] : 'localhost',
    port: args[0],
    options: undefined,
    callback: undefined,
  };
}

function install(): void {
  if (state.installed) return;
  state.installed = true;

  // Every TCP and TLS client (http, https, tls, fetch, proxies) connects through Socket#connect.
  type Connect = (this: Net.Socket, ...args: unknown[]) => Net.Socket;
  const original = Reflect.get(net.Socket.prototype, 'connect') as Connect;
  const guardedConnect: Connect = function (this: Net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if (target === undefined || isLoopbackHost(target.host)) return original.apply(this, args);
    if (isReservedName(target.host) && target.options !== undefined) {
      // Node's own connect path, with a lookup that fails like getaddrinfo: the same error, the same events.
      const options = { ...target.options, lookup: reservedLookup };
      return target.callback === undefined || target.callback === null
        ? original.call(this, options)
        : original.call(this, options, target.callback);
    }
    throw refuse(`a connection to ${target.host}:${String(target.port)}`);
  };
  Reflect.set(net.Socket.prototype, 'connect', guardedConnect);

  const lookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
    if (isReservedName(hostname) && typeof rest.at(-1) === 'function') {
      const callback = rest.at(-1) as (error: Error) => void;
      process.nextTick(() => callback(notFound(hostname)));
      return {};
    }
    if (!isLoopbackHost(hostname)) throw refuse(`a DNS lookup of ${hostname}`);
    return (lookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest);
  } as typeof dns.lookup;
  const lookupPromise = dns.promises.lookup;
  dns.promises.lookup = function guardedLookupPromise(hostname: string, ...rest: unknown[]) {
    if (isReservedName(hostname)) return Promise.reject(notFound(hostname));
    if (!isLoopbackHost(hostname)) return Promise.reject(refuse(`a DNS lookup of ${hostname}`));
    return (lookupPromise as (...a: unknown[]) => Promise<unknown>).call(dns.promises, hostname, ...rest);
  } as typeof dns.promises.lookup;
  syncBuiltinESMExports();
}

install();

/** Whether the guard is active in this process. */
export function noNetworkInstalled(): boolean {
  return state.installed;
}

/** For the guard's own tests: run `action`, collecting the refusals it causes instead of failing the run. */
export async function collectRefusals<T>(
  action: () => T | Promise<T>,
): Promise<{ value: T; refused: string[] }> {
  const from = state.refused.length;
  state.expecting++;
  try {
    const value = await action();
    return { value, refused: state.refused.slice(from) };
  } finally {
    state.expecting--;
  }
}
