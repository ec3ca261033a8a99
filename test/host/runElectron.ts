// `npm run test:electron`: the same extension-host suites in desktop VS Code via @vscode/test-electron
// (downloads VS Code, so it needs internet; `npm test` uses the code-server runner instead).
import { runTests } from '@vscode/test-electron';
import { ROOT, TESTS_ENTRY, buildExtensionAndTests } from './buildTests.ts';
import { createFixture } from './workspace.ts';
import type { HostTestConfig } from './workspace.ts';

async function runMode(mode: HostTestConfig['mode']): Promise<void> {
  const fixture = await createFixture(mode);
  try {
    await runTests({
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
  process.exitCode = 1;
});
