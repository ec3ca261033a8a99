// Driving code-server's workbench through Playwright: palette, files, webview frames, hovers.
import type { Frame, Page } from 'playwright-core';

/** Wait until the workbench has loaded and our activity-bar entry exists (the extension contributed it). */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.activitybar [aria-label^="Auth Debugger"]').first().waitFor({ timeout: 30_000 });
}

/** Run a command by its palette title (F1); resolves with performance.now() when Enter was pressed. */
export async function runCommand(page: Page, title: string): Promise<number> {
  // A focused webview iframe keeps the keyboard; hand focus back to the workbench first.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  // Click the row whose label is exactly the title (Enter would run whatever row is on top).
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
    .first();
  await row.waitFor();
  const pressed = performance.now();
  await row.click();
  return pressed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Open a workspace file through Quick Open, in the first editor group (the Inspector opens beside it). */
export async function openFile(page: Page, name: string): Promise<void> {
  await runCommand(page, 'View: Focus First Editor Group');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.editor-group-container.active .tab.active[aria-label^="${name}"]`).first().waitFor();
  await page.locator('.editor-group-container.active .editor-instance .view-lines').first().waitFor();
}

/** The webview frame whose document has `body[data-view=<view>]` (VS Code nests each webview twice). */
export async function webviewFrame(
  page: Page,
  view: 'inspector' | 'simulator',
  timeoutMs = 20_000,
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      try {
        if (await frame.evaluate((v) => document.body?.dataset['view'] === v, view)) return frame;
      } catch {
        // Frames come and go while the workbench loads webviews.
      }
    }
    if (Date.now() > deadline) throw new Error(`no ${view} webview frame`);
    await page.waitForTimeout(50);
  }
}

/** Move the mouse onto the first characters of `needle` in the visible editor (a DOM Range, not a span box). */
export async function hoverText(page: Page, needle: string): Promise<void> {
  const box = await page.evaluate((text) => {
    const lines = '.editor-group-container.active .editor-instance .view-line span span';
    for (const span of document.querySelectorAll<HTMLElement>(lines)) {
      const node = span.firstChild;
      const at = span.textContent?.indexOf(text) ?? -1;
      if (node && at >= 0) {
        const range = document.createRange();
        range.setStart(node, at + 2);
        range.setEnd(node, at + 8);
        const rect = range.getBoundingClientRect();
        return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
      }
    }
    return undefined;
  }, needle);
  if (!box) throw new Error(`"${needle}" is not visible in the editor`);
  await page.mouse.move(box.x - 40, box.y + 40);
  await page.mouse.move(box.x, box.y, { steps: 4 });
}
