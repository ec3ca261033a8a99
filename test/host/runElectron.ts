// `npm run test:electron`: the same extension-host suites in desktop VS Code via @vscode/test-electron
// (downloads VS Code, so it needs internet; `npm test` uses the code-server runner instead).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT, TESTS_ENTRY, buildExtensionAndTests } from './buildTests.ts';
import { createFixture } from './workspace.ts';
import type { HostTestConfig } from './workspace.ts';

/** The oldest VS Code the manifest claims to support (engines.vscode), unless VSCODE_TEST_VERSION says otherwise. */
function vscodeVersion(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    engines: { vscode: string };
  };
  return process.env['VSCODE_TEST_VERSION'] ?? manifest.engines.vscode.replace(/^\^/, '');
}

async function runMode(mode: HostTestConfig['mode']): Promise<void> {
  const fixture = await createFixture(mode);
  try {
    await runTests({
      version: vscodeVersion(),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: TESTS_ENTRY,
      launchArgs: [
        fixture.dir,
        '--disable-extensions',
        '--skip-welcome',
        ...(mode === 'trusted' ? ['--disable-workspace-trust'] : []),
      ],
    });
  } finally {
    await fixture.dispose();
  }
}

async function main(): Promise<void> {
  await buildExtensionAndTests();
  await runMode('trusted');
  await runMode('restricted');
}

main().catch((error: unknown) => {
  process.stderr.write(`[test:electron] ${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write(
    '[test:electron] this runner downloads VS Code; offline, use `npm run test:host` (code-server).\n',
  );
  process.exitCode = 1;
});
