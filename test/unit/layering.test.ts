// The layering is enforced, not hoped for: the lint rules of eslint.config.mjs reject vscode and DOM in the core
// and the CLI, Node built-ins in the webviews and src/shared; and src/core has no import loop between files.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import { cycles, importGraph, importsOf } from '../../scripts/import-graph.mjs';

const ROOT = resolve(__dirname, '..', '..');
const LAYERING_RULES = ['no-restricted-imports', 'no-restricted-globals'] as const;

/** The layering rules exactly as the project's config sets them for `path`, run on `code` (no type information
 * needed, so no TypeScript project is started). */
async function layeringErrors(path: string, code: string): Promise<string[]> {
  const project = new ESLint({ cwd: ROOT });
  const config = (await project.calculateConfigForFile(path)) as Linter.Config;
  const rules: Linter.RulesRecord = {};
  for (const rule of LAYERING_RULES) {
    const setting = config.rules?.[rule];
    if (setting !== undefined) rules[rule] = setting;
  }
  const probe = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    // The project's TypeScript parser without its project service: these rules need no types.
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: config.languageOptions?.parser }, rules },
    ],
  });
  const [result] = await probe.lintText(code, { filePath: resolve(ROOT, path) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const CLEAN = "import { decodeToken } from './decode.ts';\nexport const probe = [decodeToken];\n";

describe('layering lint rules', { timeout: 60_000 }, () => {
  it('rejects vscode, the glue and DOM globals in src/core, and accepts a clean core file', async () => {
    const errors = await layeringErrors(
      'src/core/probe.ts',
      "import * as vscode from 'vscode';\nimport { Log } from '../vscode/log.ts';\nexport const probe = [vscode, Log, document.title];\n",
    );
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(errors[0] ?? '', /no-restricted-imports: 'vscode'/);
    assert.match(errors[1] ?? '', /no-restricted-imports: '\.\.\/vscode\/log\.ts'/);
    assert.match(errors[2] ?? '', /no-restricted-globals: Unexpected use of 'document'/);
    assert.deepEqual(await layeringErrors('src/core/probe.ts', CLEAN), []);
  });

  it('rejects vscode and DOM globals in src/cli', async () => {
    const errors = await layeringErrors(
      'src/cli/probe.ts',
      "import * as vscode from 'vscode';\nexport const probe = [vscode, window.name];\n",
    );
    assert.equal(errors.length, 2, errors.join('\n'));
  });

  it('rejects Node built-ins (with and without node:), Node globals, vscode and the glue in webview/', async () => {
    const errors = await layeringErrors(
      'webview/shared/probe.ts',
      [
        "import fs from 'node:fs';",
        "import { join } from 'path';",
        "import * as vscode from 'vscode';",
        "import { Log } from '../../src/vscode/log.ts';",
        "export const probe = [fs, join, vscode, Log, Buffer.from('x'), process.env];",
      ].join('\n'),
    );
    assert.equal(errors.length, 6, errors.join('\n'));
    assert.deepEqual(
      await layeringErrors(
        'webview/shared/probe.ts',
        "import { relativeTime } from '../../src/core/timeFormat.ts';\nexport const probe = [relativeTime, document.title];\n",
      ),
      [],
    );
  });

  it('rejects Node built-ins, Node and DOM globals and vscode in src/shared', async () => {
    const errors = await layeringErrors(
      'src/shared/probe.ts',
      "import { readFileSync } from 'node:fs';\nimport * as vscode from 'vscode';\nexport const probe = [readFileSync, vscode, process.env, window.name];\n",
    );
    assert.equal(errors.length, 4, errors.join('\n'));
  });

  it('lets the extension host import vscode and Node built-ins', async () => {
    const errors = await layeringErrors(
      'src/vscode/probe.ts',
      "import * as vscode from 'vscode';\nimport { readFileSync } from 'node:fs';\nexport const probe = [vscode, readFileSync];\n",
    );
    assert.deepEqual(errors, []);
  });
});

describe('import graph (scripts/import-graph.mjs)', () => {
  it('finds every loop of a graph and nothing in a graph without one', () => {
    const graph: Record<string, string[]> = {
      a: ['b'],
      b: ['c'],
      c: ['a', 'd'],
      d: ['e'],
      e: ['d'],
      f: ['a'],
    };
    assert.deepEqual(cycles(Object.keys(graph), (n) => graph[n] ?? []).sort(), [
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    const tree: Record<string, string[]> = { a: ['b', 'c'], b: ['c'], c: [] };
    assert.deepEqual(
      cycles(Object.keys(tree), (n) => tree[n] ?? []),
      [],
    );
  });

  it('tells type-only imports from value imports, and sees re-exports and dynamic imports', () => {
    const found = importsOf(
      'probe.ts',
      [
        "import type { A } from './a.ts';",
        "import { type B, c } from './b.ts';",
        "import { type D } from './d.ts';",
        "export type { E } from './e.ts';",
        "export { f } from './f.ts';",
        "const g = () => import('./g.ts');",
      ].join('\n'),
    );
    assert.deepEqual(found, [
      { specifier: './a.ts', typeOnly: true },
      { specifier: './b.ts', typeOnly: false },
      { specifier: './d.ts', typeOnly: true },
      { specifier: './e.ts', typeOnly: true },
      { specifier: './f.ts', typeOnly: false },
      { specifier: './g.ts', typeOnly: false, dynamic: true },
    ]);
  });

  it('src/core has no import loop between files', () => {
    const { files } = importGraph('src/core');
    assert.ok(files.size > 20, `only ${files.size} files read`);
    const loops = cycles([...files.keys()], (f) => (files.get(f) ?? []).map((e) => e.to));
    assert.deepEqual(loops, []);
  });
});
