// The first-minutes walkthrough (package.json contributes.walkthroughs): every step has a page that ships in the
// VSIX, links only to commands that exist, and completes on something the user does.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string; altText?: string };
  completionEvents?: string[];
}
interface Walkthrough {
  id: string;
  title: string;
  description: string;
  steps: Step[];
}
interface Manifest {
  contributes: {
    commands: { command: string }[];
    walkthroughs?: Walkthrough[];
    views?: Record<string, { id: string }[]>;
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const ours = new Set(manifest.contributes.commands.map((c) => c.command));
// Workbench commands a step may link to (the settings editor opened on our setting).
const WORKBENCH = new Set(['workbench.action.openSettings']);

function commandLinks(text: string): string[] {
  return [...text.matchAll(/\]\(command:([A-Za-z0-9_.]+)/g)].map((m) => m[1] ?? '');
}

/** Whether .vscodeignore's allow-list ships `file` (only the `!path` and `!dir/*.ext` forms it uses). */
function shipped(file: string): boolean {
  const lines = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
  return lines
    .filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1).trim())
    .some((pattern) => {
      if (pattern === file) return true;
      const star = pattern.indexOf('*');
      if (star < 0 || pattern.indexOf('/', star) >= 0) return false;
      const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
      const rest = file.slice(head.length);
      return file.startsWith(head) && file.endsWith(tail) && !rest.includes('/');
    });
}

void describe('contributes.walkthroughs', () => {
  const walkthroughs = manifest.contributes.walkthroughs ?? [];

  void it('has one walkthrough: decode, keys, simulate, scan', () => {
    assert.equal(walkthroughs.length, 1);
    const [walkthrough] = walkthroughs;
    assert.equal(walkthrough?.id, 'authDebugger.firstMinutes');
    assert.deepEqual(
      walkthrough?.steps.map((s) => s.id),
      ['decode', 'keys', 'simulate', 'scan'],
    );
  });

  for (const step of walkthroughs[0]?.steps ?? []) {
    void it(`step "${step.id}": a command link, a shipped markdown page, a completion event`, () => {
      assert.ok(step.title.length > 0 && step.title.length <= 60, step.title);
      const links = commandLinks(step.description);
      assert.ok(links.length >= 1, `${step.id} has no command link`);
      for (const command of links) {
        assert.ok(
          ours.has(command) || WORKBENCH.has(command),
          `${step.id} links to ${command}, which nothing contributes`,
        );
      }
      const page = step.media.markdown;
      assert.ok(page !== undefined, `${step.id} has no markdown page`);
      assert.ok(existsSync(join(ROOT, page)), `${page} is missing`);
      assert.ok(shipped(page), `${page} is not in the VSIX (.vscodeignore)`);
      const text = readFileSync(join(ROOT, page), 'utf8');
      assert.match(text, /^# \S/, `${page} starts with a heading`);
      assert.ok(text.length < 2500, `${page} is short (${text.length} characters)`);
      assert.ok((step.completionEvents ?? []).length >= 1, `${step.id} never completes`);
      for (const event of step.completionEvents ?? [])
        assert.match(event, /^(onCommand|onSettingChanged|onView|onContext):/, event);
    });
  }
});
