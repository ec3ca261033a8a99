// Lint configuration: type-aware rules for the project's TypeScript, zero warnings allowed, and the layering
// rules (which folder may import what) that tsconfig.core/host/webview.json enforce for types.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))];
const noVscode = {
  name: 'vscode',
  message:
    'Only src/vscode may import vscode: the core, the CLI, src/shared and the webviews must run without it.',
};
const noNodeBuiltins = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message:
      'Node built-ins are not available here (webviews run in a browser sandbox; src/shared is bundled there).',
  })),
  patterns: [
    {
      group: ['node:*'],
      message:
        'Node built-ins are not available here (webviews run in a browser sandbox; src/shared is bundled there).',
    },
  ],
};
/** Imports of a layer above: the core never reaches the glue, the CLI or the webviews. */
const upwards = (folders, why) => ({
  group: folders.flatMap((folder) => [`**/${folder}/**`, `${folder}/**`]),
  message: why,
});
const domGlobals = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'customElements',
  'HTMLElement',
  'Element',
  'Node',
  'DOMParser',
  'alert',
  'acquireVsCodeApi',
].map((name) => ({ name, message: 'No DOM here: this code runs in Node (the extension host or the CLI).' }));
const nodeGlobals = [
  'process',
  'Buffer',
  'require',
  'module',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
].map((name) => ({
  name,
  message: 'No Node globals here: this code also runs in a webview (browser sandbox).',
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'out/**',
      'test-results/**',
      '.tools/**',
      '**/*.vsix',
      'playground/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/test return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'test', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
    },
  },
  // Layering. Each folder appears in exactly one block below: a later block setting the same rule would
  // replace these options rather than add to them.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            upwards(
              ['src/vscode', 'src/cli', 'webview', 'vscode', 'cli'],
              'The core is the bottom layer: it imports no glue, CLI or webview code.',
            ),
          ],
        },
      ],
      'no-restricted-globals': ['error', ...domGlobals],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            upwards(
              ['src/vscode', 'webview', 'vscode'],
              'The CLI sits on the core only: no host or webview code.',
            ),
          ],
        },
      ],
      'no-restricted-globals': ['error', ...domGlobals],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...noNodeBuiltins.paths],
          patterns: [
            ...noNodeBuiltins.patterns,
            upwards(
              ['src/vscode', 'src/cli', 'webview', 'vscode', 'cli'],
              'src/shared sits on the core only.',
            ),
          ],
        },
      ],
      'no-restricted-globals': ['error', ...domGlobals, ...nodeGlobals],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...noNodeBuiltins.paths],
          patterns: [
            ...noNodeBuiltins.patterns,
            upwards(
              ['src/vscode', 'src/cli'],
              'Webviews talk to the host by messages (src/shared/protocol.ts) only.',
            ),
          ],
        },
      ],
      'no-restricted-globals': ['error', ...nodeGlobals],
    },
  },
  // A regular expression built from data can backtrack for minutes on an attacker's input: patterns from the
  // workspace go through src/core/userRegex.ts (RE2) or src/core/glob.ts (linear matching) instead.
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['NewExpression', 'CallExpression'].flatMap((call) =>
          ["[callee.name='RegExp']", "[callee.property.name='RegExp']"].map((callee) => ({
            selector: `${call}${callee}:not([arguments.0.type='Literal'])`,
            message:
              'RegExp built from a non-literal: data-built patterns can backtrack on attacker input. Use a regex literal, compileUserRegex (src/core/userRegex.ts) or the glob matcher (src/core/glob.ts).',
          })),
        ),
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
