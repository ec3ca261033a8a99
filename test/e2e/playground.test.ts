// `npm start -- --check`: the whole playground comes up, every part answers, the samples behave as promised.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts?: Record<string, string> };
const skip =
  typeof pkg.scripts?.package === 'string'
    ? false
    : 'the extension cannot be packaged yet (package.json has no "package" script, so there is no VSIX to install)';

/** The FAIL/ERROR lines, or the last lines when the run ended before any check printed. */
function failureLines(out: string): string {
  const lines = out.split('\n');
  const failures = lines.filter((l) => /FAIL|ERROR/.test(l));
  return (failures.length > 0 ? failures : lines.slice(-20)).join('\n');
}

void test('npm start -- --check passes', { skip, timeout: 15 * 60_000 }, () => {
  const r = spawnSync('npm', ['start', '--silent', '--', '--check'], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  const summary = /^\d+ passed, \d+ failed, \d+ skipped.*$/m.exec(out)?.[0] ?? '(no summary)';
  assert.equal(r.status, 0, `npm start -- --check exited ${r.status}: ${summary}\n${failureLines(out)}`);
  assert.match(out, / 0 failed/);
  assert.doesNotMatch(out, /SKIP/, 'no check may be skipped once the extension is packaged');
});
