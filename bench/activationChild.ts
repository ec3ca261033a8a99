// One activation sample, in a fresh process: load the bundled extension, run activate() against the stand-in,
// and report the time and what got loaded. Bundled by bench/run.ts into a temp .cjs and run with plain node.
import type * as cryptoTypes from 'node:crypto';
import type * as fsTypes from 'node:fs';
import Module, { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import * as standInModule from './vscodeStandIn.ts';

const { standIn, extensionContext } = standInModule;
// The real fs module (not esbuild's namespace copy), so the patch below is what the bundle sees.
const load = createRequire(__filename);
const fs = load('node:fs') as typeof fsTypes;

const [bundlePath = '', extensionRoot = ''] = process.argv.slice(2);

/** Anything: records the top-level vscode name it stands for and tolerates any use. */
function anything(name: string): unknown {
  standIn.missing.add(name);
  const fn = function () {
    return undefined;
  };
  return new Proxy(fn, {
    get: (_target, property) => (property === 'then' ? undefined : anything(`${name}.${String(property)}`)),
    apply: () => anything(`${name}()`),
    construct: () => anything(`new ${name}`) as object,
  });
}

// The vscode module the bundle requires: the stand-in's members, and a recorder for anything else.
const fallback = new Proxy(
  {},
  {
    get: (_target, property) =>
      typeof property === 'symbol' || property === '__esModule' || property === 'default'
        ? undefined
        : anything(property),
  },
);
const vscodeModule: Record<string, unknown> = Object.create(fallback) as Record<string, unknown>;
for (const [key, value] of Object.entries(standInModule)) {
  if (key !== 'standIn' && key !== 'extensionContext') vscodeModule[key] = value;
}

const requested: string[] = [];
let recording = false;
const loader = Module as unknown as {
  _load: (request: string, parent: unknown, isMain: boolean) => unknown;
};
const originalLoad = loader._load;
loader._load = function (request: string, parent: unknown, isMain: boolean): unknown {
  if (request === 'vscode') return vscodeModule;
  if (recording) requested.push(request);
  // In the traced copy, a require's time is charged to the required module, then the requiring code resumes.
  const marks = (globalThis as Trace).__benchInit;
  const resumed = marks?.[marks.length - 1]?.[0];
  if (recording && marks && resumed !== undefined) marks.push([`require ${request}`, performance.now()]);
  const loaded = originalLoad.call(this, request, parent, isMain);
  if (recording && marks && resumed !== undefined) marks.push([resumed, performance.now()]);
  if (request === 'crypto' || request === 'node:crypto') patchCrypto(loaded as typeof cryptoTypes);
  return loaded;
};

// Key import and key generation are "heavy crypto": counted, by patching node:crypto when the bundle first
// loads it (loading it here would hide whether the extension loads it at all).
const keyCalls: string[] = [];
let cryptoPatched = false;
function patchCrypto(crypto: typeof cryptoTypes): void {
  if (cryptoPatched) return;
  cryptoPatched = true;
  const cryptoObject = crypto as unknown as Record<string, unknown>;
  for (const name of [
    'createPublicKey',
    'createPrivateKey',
    'createSecretKey',
    'generateKeyPairSync',
    'generateKeyPair',
  ]) {
    const original = cryptoObject[name] as (...args: unknown[]) => unknown;
    cryptoObject[name] = (...args: unknown[]) => {
      if (recording) keyCalls.push(name);
      return original(...args);
    };
  }
}

// Reading webview bundles (or anything else from disk) at activation.
const fileReads: string[] = [];
const originalReadFileSync = fs.readFileSync;
(fs as unknown as { readFileSync: unknown }).readFileSync = function (
  path: fsTypes.PathOrFileDescriptor,
  ...rest: unknown[]
) {
  if (recording && typeof path === 'string' && !path.endsWith(bundlePath)) fileReads.push(path);
  return (originalReadFileSync as (...args: unknown[]) => unknown)(path, ...rest);
};

const internalModules = (): Set<string> =>
  new Set((process as unknown as { moduleLoadList: string[] }).moduleLoadList ?? []);

/** Filled by the traced copy of the bundle: [module path, performance.now() when its top-level code started]. */
interface Trace {
  __benchInit?: [string, number][];
}
(globalThis as Trace).__benchInit = [];

const before = internalModules();
recording = true;
const t0 = performance.now();
const extension = load(bundlePath) as { activate(context: unknown): unknown };
const t1 = performance.now();
const context = extensionContext(extensionRoot);
extension.activate(context);
const t2 = performance.now();
const syncRequests = [...requested];
const syncInternal = [...internalModules()].filter((m) => !before.has(m));
// Time from one module's start marker to the next one's is charged to the first (esbuild runs each module's
// top-level code in turn; a built-in required by a module is charged to that module).
const marks = (globalThis as Trace).__benchInit ?? [];
const syncInit = marks.map(
  ([path, at], index) => [path, (marks[index + 1]?.[1] ?? t1) - at] as [string, number],
);

// Whatever activate() started asynchronously also counts as "before first use".
setTimeout(() => {
  recording = false;
  const laterInternal = [...internalModules()].filter((m) => !before.has(m) && !syncInternal.includes(m));
  process.stdout.write(
    JSON.stringify({
      loadMs: t1 - t0,
      activateMs: t2 - t1,
      totalMs: t2 - t0,
      requests: syncRequests,
      laterRequests: requested.slice(syncRequests.length),
      internalModules: syncInternal,
      laterInternalModules: laterInternal,
      moduleInits: syncInit,
      keyCalls,
      fileReads,
      standIn: {
        commands: standIn.commands.length,
        hoverProviders: standIn.hoverProviders,
        webviewViewProviders: standIn.webviewViewProviders,
        treeViews: standIn.treeViews,
        codeActionProviders: standIn.codeActionProviders,
        outputChannels: standIn.outputChannels,
        watchers: standIn.watchers.length,
        missing: [...standIn.missing],
      },
      subscriptions: context.subscriptions.length,
    }),
  );
}, 100);
