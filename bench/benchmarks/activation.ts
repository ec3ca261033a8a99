// Activation and size: a production build of dist/extension.js, then load + activate() in a fresh process per
// sample against the stand-in; a traced copy of the bundle shows whose top-level code ran, a metafile build the
// size of each part. Also measures the .vsix (bench/benchmarks/vsix.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as Esbuild from 'esbuild';
import { BENCH_DIR, ROOT } from '../benchmark.ts';
import type { Benchmark } from '../benchmark.ts';
import { fmt } from '../report.ts';
import { median, percentile } from '../stats.ts';
import { vsixSize } from './vsix.ts';

interface ChildReport {
  loadMs: number;
  activateMs: number;
  totalMs: number;
  requests: string[];
  laterRequests: string[];
  internalModules: string[];
  laterInternalModules: string[];
  moduleInits: [string, number][];
  keyCalls: string[];
  fileReads: string[];
  standIn: {
    commands: number;
    hoverProviders: number;
    webviewViewProviders: string[];
    treeViews: string[];
    codeActionProviders: number;
    outputChannels: string[];
    watchers: number;
    missing: string[];
  };
  subscriptions: number;
}

export const activation: Benchmark = {
  id: 'activation',
  group: 'activation',
  resultIds: ['activation-ms', 'host-bundle-kb', 'vsix-kb'],
  run: async ({ quick, report, dir }) => {
    const esbuild: typeof Esbuild = await import('esbuild');
    const bundle = join(ROOT, 'dist', 'extension.js');
    const hadDevBuild = existsSync(bundle) && readFileSync(bundle, 'utf8').includes('sourceMappingURL');
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`production build failed:\n${build.stderr}`);
    const hostBytes = statSync(bundle).size;

    // The child: stand-in + probes, bundled to plain CommonJS so no TypeScript loader skews the timing.
    const child = join(dir, 'activation-child.cjs');
    await esbuild.build({
      entryPoints: [join(BENCH_DIR, 'activationChild.ts')],
      outfile: child,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning',
    });
    // A copy of the production bundle that records which modules' top-level code ran (same options + a marker).
    const traced = join(dir, 'extension.traced.js');
    const meta = await esbuild.build({
      entryPoints: [join(ROOT, 'src/vscode/extension.ts')],
      outfile: traced,
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      legalComments: 'none',
      logLevel: 'warning',
      metafile: true,
      plugins: [
        {
          name: 'init-marker',
          setup(b) {
            b.onLoad({ filter: /\.(ts|js|mjs|cjs)$/ }, (loadArgs) => {
              const source = readFileSync(loadArgs.path, 'utf8');
              const rel = loadArgs.path.startsWith(ROOT)
                ? loadArgs.path.slice(ROOT.length + 1)
                : loadArgs.path;
              const marker = `globalThis.__benchInit&&globalThis.__benchInit.push([${JSON.stringify(rel)},performance.now()]);\n`;
              const strict = /^\s*(['"])use strict\1;?/.exec(source);
              const contents = strict
                ? `${strict[0]}\n${marker}${source.slice(strict[0].length)}`
                : marker + source;
              return {
                contents,
                loader: loadArgs.path.endsWith('.ts') ? 'ts' : 'js',
                resolveDir: resolve(loadArgs.path, '..'),
              };
            });
          },
        },
      ],
    });
    const inputs = Object.keys(meta.metafile.inputs);
    // Size by package / source folder, from a build with exactly the production options (no markers).
    const sized = await esbuild.build({
      entryPoints: [join(ROOT, 'src/vscode/extension.ts')],
      outfile: join(dir, 'extension.sized.js'),
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      legalComments: 'none',
      logLevel: 'warning',
      metafile: true,
    });
    const sizeGroups = new Map<string, number>();
    for (const output of Object.values(sized.metafile.outputs)) {
      for (const [path, input] of Object.entries(output.inputs)) {
        const group =
          /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ??
          (/^src\/core\/[^/]+\//.test(path)
            ? path.split('/').slice(0, 3).join('/')
            : path.split('/').slice(0, 2).join('/'));
        sizeGroups.set(group, (sizeGroups.get(group) ?? 0) + input.bytesInOutput);
      }
    }
    const biggest = [...sizeGroups].sort((a, b) => b[1] - a[1]).slice(0, 6);
    const sizeLine = biggest.map(([group, bytes]) => `${group} ${fmt(bytes / 1024, 1)} KiB`).join(', ');
    const bundled = (pattern: RegExp): string[] => inputs.filter((p) => pattern.test(p));

    const samples = quick ? 7 : 21;
    const reports: ChildReport[] = [];
    for (let i = 0; i < samples; i++) {
      const out = spawnSync(process.execPath, [child, bundle, ROOT], { encoding: 'utf8', timeout: 20_000 });
      if (out.status !== 0) throw new Error(`activation child failed:\n${out.stderr}`);
      reports.push(JSON.parse(out.stdout) as ChildReport);
    }
    const tracedRun = spawnSync(process.execPath, [child, traced, ROOT], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (tracedRun.status !== 0) throw new Error(`traced activation child failed:\n${tracedRun.stderr}`);
    const trace = JSON.parse(tracedRun.stdout) as ChildReport;

    const total = reports.map((r) => r.totalMs);
    const load = reports.map((r) => r.loadMs);
    const act = reports.map((r) => r.activateMs);
    const first = reports[0] as ChildReport;
    // Init cost per package (node_modules) or per source file, from the traced copy.
    const groupOf = (path: string): string => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path;
    const initMs = new Map<string, { files: number; ms: number; paths: Set<string> }>();
    for (const [path, ms] of trace.moduleInits) {
      const group = groupOf(path);
      const entry = initMs.get(group) ?? { files: 0, ms: 0, paths: new Set<string>() };
      entry.paths.add(path); // a module resumed after a require appears again: count it once
      entry.files = entry.paths.size;
      entry.ms += ms;
      initMs.set(group, entry);
    }
    const initTotal = trace.moduleInits.reduce((sum, [, ms]) => sum + ms, 0);
    const topInits = [...initMs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
    const heavy = [
      'crypto',
      'http',
      'https',
      'tls',
      'net',
      'dns',
      'zlib',
      'http2',
      'worker_threads',
      'child_process',
    ];
    const builtinsLoaded = heavy.filter((name) =>
      first.internalModules.some((m) => m === `NativeModule ${name}`),
    );
    const builtinsLater = heavy.filter((name) =>
      first.laterInternalModules.some((m) => m === `NativeModule ${name}`),
    );
    const joseBundled = bundled(/node_modules\/jose\//);
    const webviewBundled = bundled(/^webview\/|@vscode-elements/);
    const entry = 'src/vscode/extension.ts';
    const chainTo = (matches: (path: string) => boolean): string[] | undefined => {
      const previous = new Map<string, string>([[entry, '']]);
      const queue = [entry];
      while (queue.length > 0) {
        const current = queue.shift() as string;
        for (const imported of meta.metafile.inputs[current]?.imports ?? []) {
          if (previous.has(imported.path)) continue;
          previous.set(imported.path, current);
          if (matches(imported.path)) {
            const chain = [imported.path];
            for (let at = current; at !== ''; at = previous.get(at) ?? '') chain.unshift(at);
            return chain;
          }
          if (!imported.external) queue.push(imported.path);
        }
      }
      return undefined;
    };
    const lazyLink = (chain: string[]): string => {
      const index = chain.findIndex(
        (p, i) => p.startsWith('src/vscode/') && !(chain[i + 1] ?? '').startsWith('src/vscode/'),
      );
      return index >= 0
        ? `${chain[index] as string} -> ${chain[index + 1] as string}`
        : chain.slice(0, 2).join(' -> ');
    };
    const loadedLines = [
      `- Bundled at all: jose ${joseBundled.length > 0 ? `YES (${joseBundled.length} files)` : 'no'}; webview code ${webviewBundled.length > 0 ? `YES (${webviewBundled.length} files)` : 'no'}; ` +
        `yaml ${bundled(/node_modules\/yaml\//).length} files.`,
      `- Required by the bundle during load + activate(): ${[...new Set(first.requests)].filter((r) => r !== bundle).join(', ') || 'nothing'}` +
        (first.laterRequests.length > 0
          ? `; within 100 ms after: ${[...new Set(first.laterRequests)].join(', ')}`
          : ''),
      `- Heavy Node built-ins initialised: ${builtinsLoaded.join(', ') || 'none'}` +
        (builtinsLater.length > 0 ? `; within 100 ms after activate(): ${builtinsLater.join(', ')}` : ''),
      `- Key imports / key generation during activation: ${first.keyCalls.length === 0 ? 'none' : first.keyCalls.join(', ')}; files read: ${first.fileReads.length === 0 ? 'none' : first.fileReads.join(', ')}`,
      `- Top-level code run at load (traced copy of the bundle, one sample, ${fmt(initTotal, 1)} ms in all): ` +
        topInits
          .map(
            ([group, v]) =>
              `${group} ${fmt(v.ms, 1)} ms${group.startsWith('require ') ? '' : ` (${v.files} module${v.files === 1 ? '' : 's'})`}`,
          )
          .join(', '),
      `- Stand-in: ${first.standIn.commands} commands, ${first.standIn.hoverProviders} hover provider, webview views ${first.standIn.webviewViewProviders.join(', ') || 'none'}, tree views ${first.standIn.treeViews.join(', ') || 'none'}, ${first.standIn.codeActionProviders} code action provider, ` +
        `${first.standIn.watchers} file watchers, ${first.subscriptions} subscriptions; vscode API not modelled: ${first.standIn.missing.join(', ') || 'none'}`,
    ];
    const yaml = initMs.get('yaml');
    const yamlChain = chainTo((p) => p.includes('node_modules/yaml/'));
    if (yaml && yamlChain) {
      report.problem(
        `activation: yaml's ${yaml.files} modules run their top-level code when dist/extension.js loads (${fmt(yaml.ms, 1)} ms of ` +
          `${fmt(initTotal, 1)} ms in the traced sample), before any simulator configuration is read. Import chain: ${yamlChain.join(' -> ')}. ` +
          `Fix: make the link ${lazyLink(yamlChain)} a dynamic \`await import(...)\` at first use (the workspace scan); ` +
          'esbuild keeps it in the same CJS bundle and initialises it only when first called.',
      );
    }
    const httpChain = chainTo((p) => p === 'node:https' || p === 'https');
    if (httpChain && builtinsLoaded.includes('https')) {
      const owner = httpChain[httpChain.length - 2] as string;
      const networkModules = ['node:http', 'node:https', 'node:dns', 'http', 'https', 'dns'].map(
        (m) => `require ${m}`,
      );
      const cost = trace.moduleInits
        .filter(([path]) => networkModules.includes(path))
        .reduce((sum, [, ms]) => sum + ms, 0);
      report.problem(
        `activation: node:https${builtinsLoaded.includes('tls') ? ' (with tls, net)' : ''} and node:http are initialised at activation ` +
          `(${owner}'s top level, ${fmt(cost, 1)} ms in the traced sample), though no key is fetched before the first verification. ` +
          `Import chain: ${httpChain.join(' -> ')}. Fix: load node:http/node:https/node:dns inside the first fetch in ${owner} ` +
          `(\`await import('node:https')\`), or create the HttpGet lazily at the first fetch.`,
      );
    }
    const cryptoChain = chainTo((p) => p === 'node:crypto' || p === 'crypto');
    const cryptoCost = trace.moduleInits
      .filter(([path]) => path === 'require node:crypto' || path === 'require crypto')
      .reduce((sum, [, ms]) => sum + ms, 0);
    if (cryptoChain && builtinsLoaded.includes('crypto')) {
      report.problem(
        `activation: node:crypto is initialised at load (${fmt(cryptoCost, 1)} ms in the traced sample; about 3 ms in a quiet fresh process), ` +
          `though nothing is hashed, signed or verified before the first hover or command. First chain: ${cryptoChain.join(' -> ')}. ` +
          'The core needs it for verification, so the fix is in the glue: have the hover provider, Verifier, KeyService and the panels ' +
          'reach the core through one lazily imported module (`await import(...)` on first hover/command), so crypto, http(s) and yaml ' +
          'load on first use; activation then only registers commands and providers.',
      );
    }
    if (hostBytes > 250 * 1024) {
      const lazy = biggest.filter(([group]) => /yaml|simulate|iac/.test(group));
      const lazyBytes = lazy.reduce((sum, [, bytes]) => sum + bytes, 0);
      report.problem(
        `bundle: dist/extension.js is ${fmt(hostBytes / 1024, 1)} KiB minified (target 250). Largest parts: ${sizeLine}. ` +
          (lazy.length > 0
            ? `${lazy.map(([group]) => group).join(', ')} (${fmt(lazyBytes / 1024, 1)} KiB) serve only the Authorizer Simulator: ` +
              'build them as a second esbuild entry (e.g. dist/simulatorHost.js, added to the .vscodeignore allow-list) that the ' +
              'simulator view require()s on first use; the activation bundle then shrinks by about that much and loads faster ' +
              '(core modules both need are duplicated in the second file, which costs VSIX bytes only).'
            : 'Move code needed only after first use into a second, lazily required bundle.'),
      );
    }
    if (joseBundled.length > 0)
      report.problem(
        `bundle: jose is bundled into dist/extension.js (${joseBundled.length} files); the host should not need it.`,
      );
    if (webviewBundled.length > 0)
      report.problem(`bundle: webview code is bundled into the host (${webviewBundled.join(', ')}).`);
    report.detail(
      [
        '### Activation (bundled dist/extension.js, production build; fresh process per sample)',
        '',
        '| measure | median ms | p95 ms | min ms |',
        '| --- | ---: | ---: | ---: |',
        `| require(dist/extension.js) | ${fmt(median(load), 2)} | ${fmt(percentile(load, 95), 2)} | ${fmt(Math.min(...load), 2)} |`,
        `| activate(context) | ${fmt(median(act), 2)} | ${fmt(percentile(act, 95), 2)} | ${fmt(Math.min(...act), 2)} |`,
        `| load + activate | ${fmt(median(total), 2)} | ${fmt(percentile(total, 95), 2)} | ${fmt(Math.min(...total), 2)} |`,
        '',
        `Host bundle ${fmt(hostBytes / 1024, 1)} KiB minified; largest parts: ${sizeLine}.`,
        '',
        `${samples} samples. What activation loaded:`,
        '',
        ...loadedLines,
      ].join('\n'),
    );
    report.result(
      'activation-ms',
      median(total),
      'ms',
      20,
      `median of ${samples} fresh processes (load ${fmt(median(load), 1)} + activate ${fmt(median(act), 1)})`,
    );
    report.result(
      'host-bundle-kb',
      hostBytes / 1024,
      'KiB',
      250,
      'dist/extension.js, node scripts/build.mjs --production',
    );
    vsixSize(report);
    // Leave dist/ as it was found (a development build) for colleagues running tests against it.
    if (hadDevBuild) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
  },
};
