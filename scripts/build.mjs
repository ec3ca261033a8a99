// One esbuild script builds every target: the CLI now, the extension host and webviews as they exist.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const targets = [
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  // `authdbg scan` splits large files across worker threads running this entry (found next to dist/cli.js).
  {
    entryPoints: ['src/core/scan/scanWorker.ts'],
    outfile: 'dist/scanWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
];
if (existsSync('src/vscode/extension.ts')) {
  // The simulator's half of the core (YAML, infrastructure readers) is its own bundle, loaded on first use.
  targets.push(
    {
      entryPoints: ['src/vscode/extension.ts'],
      outfile: 'dist/extension.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', './simulatorCore.js'],
    },
    {
      entryPoints: ['src/vscode/simulatorCore.ts'],
      outfile: 'dist/simulatorCore.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    },
    // Scan Workspace for Tokens runs the core scan in this worker thread, off the extension host's main thread.
    {
      entryPoints: ['src/vscode/scanTreeWorker.ts'],
      outfile: 'dist/scanTreeWorker.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    },
  );
}
for (const name of ['inspector', 'simulator']) {
  if (existsSync(`webview/${name}/main.ts`)) {
    targets.push({
      entryPoints: [`webview/${name}/main.ts`],
      outfile: `dist/webview/${name}.js`,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
    });
  }
}
await Promise.all(targets.map((t) => build({ ...common, ...t })));
