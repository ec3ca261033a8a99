// Builds the extension (dev build) and bundles the extension-host suites into out/test/host for both runners.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const ROOT = resolve(__dirname, '..', '..');
export const OUT_DIR = join(ROOT, 'out', 'test', 'host');
export const TESTS_ENTRY = join(OUT_DIR, 'index.js');

/** `npm run build`, then one CommonJS bundle per suite file (vscode and mocha stay external). */
export async function buildExtensionAndTests(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  rmSync(OUT_DIR, { recursive: true, force: true });
  const here = join(ROOT, 'test', 'host');
  const entries = readdirSync(here)
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => join(here, name));
  await build({
    entryPoints: entries,
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
