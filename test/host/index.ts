// Extension-host test entry (both runners load this): mocha 11 with the TDD UI, suites picked by workspace trust.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Called by VS Code's test runner inside the extension host. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  // A trusted window runs the main suites; a Restricted Mode window runs only the restricted-mode suite.
  const restricted = !vscode.workspace.isTrusted;
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .filter((name) => (name === 'restricted.test.js') === restricted)
    .sort();
  for (const name of files) mocha.addFile(join(__dirname, name));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
