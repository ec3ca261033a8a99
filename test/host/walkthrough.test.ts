// The first-minutes walkthrough as the running editor sees it: contributed, and every command it links to exists.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi } from './helpers.ts';

interface WalkthroughStep {
  id: string;
  description: string;
  media: { markdown?: string };
}

suite('walkthrough', () => {
  test('is contributed with its four steps', async () => {
    await extensionApi();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const manifest = extension?.packageJSON as
      { contributes?: { walkthroughs?: { id: string; steps: WalkthroughStep[] }[] } } | undefined;
    const walkthrough = manifest?.contributes?.walkthroughs?.find(
      (w) => w.id === 'authDebugger.firstMinutes',
    );
    assert.ok(walkthrough, 'no authDebugger.firstMinutes walkthrough');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['decode', 'keys', 'simulate', 'scan'],
    );
    // Each page ships with the extension (the Welcome page reads it from the install folder).
    for (const step of walkthrough.steps) {
      assert.ok(step.media.markdown, step.id);
      const page = vscode.Uri.joinPath(extension!.extensionUri, step.media.markdown);
      const stat = await vscode.workspace.fs.stat(page);
      assert.ok(stat.size > 0, `${step.media.markdown} is empty`);
    }
  });

  test('every command a step links to is registered', async () => {
    await extensionApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { walkthroughs: { steps: WalkthroughStep[] }[] };
    };
    const links = manifest.contributes.walkthroughs
      .flatMap((w) => w.steps)
      .flatMap((s) => [...s.description.matchAll(/\]\(command:([A-Za-z0-9_.]+)/g)].map((m) => m[1] ?? ''));
    assert.ok(links.length >= 4, links.join(', '));
    const missing = links.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `linked but not registered: ${missing.join(', ')}`);
  });
});
