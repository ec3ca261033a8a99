// The lint rule against regular expressions built from data (they can backtrack on attacker input) fires on every
// spelling of a non-literal pattern in src/ and webview/, and leaves regex and string literals alone.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';

const ROOT = resolve(__dirname, '..', '..');
const RULE = 'no-restricted-syntax';

/** The project's no-restricted-syntax setting for `path`, run on `code` without type information. */
async function ruleHits(path: string, code: string): Promise<number[]> {
  const project = new ESLint({ cwd: ROOT });
  const config = (await project.calculateConfigForFile(path)) as Linter.Config;
  const setting = config.rules?.[RULE];
  assert.ok(setting !== undefined, `${RULE} is not set for ${path}`);
  const probe = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: config.languageOptions?.parser },
        rules: { [RULE]: setting },
      },
    ],
  });
  const [result] = await probe.lintText(code, { filePath: resolve(ROOT, path) });
  return (result?.messages ?? []).map((m) => {
    assert.equal(m.ruleId, RULE, m.message);
    assert.match(m.message, /non-literal/);
    return m.line;
  });
}

const FLAGGED = [
  'export const a = new RegExp(pattern);',
  "export const b = new RegExp(`^${pattern}$`, 'i');",
  "export const c = RegExp(prefix + '.*');",
  'export const d = new globalThis.RegExp(pattern);',
  'export const e = globalThis.RegExp(String(pattern));',
];
const ALLOWED = [
  "export const f = new RegExp('^[a-z]+$', 'u');",
  "export const g = new RegExp(/a+/, 'g');",
  'export const h = /^(?:a|b)$/.test(pattern);',
  "export const i = pattern.split('*');",
];

describe('lint: no RegExp built from data', { timeout: 60_000 }, () => {
  for (const path of ['src/core/probe.ts', 'src/vscode/probe.ts', 'src/cli/probe.ts', 'webview/probe.ts']) {
    it(`fires in ${path} on each non-literal pattern and on nothing else`, async () => {
      const code = [
        'declare const pattern: string;',
        'declare const prefix: string;',
        ...FLAGGED,
        ...ALLOWED,
      ].join('\n');
      const lines = await ruleHits(path, code);
      assert.deepEqual(
        lines,
        FLAGGED.map((_, index) => index + 3),
      );
    });
  }
});
