// Driving code-server's workbench through Playwright: palette, files, webview frames, hovers.
import type { ElementHandle, Frame, Page } from 'playwright-core';

/** Wait until the workbench has loaded and our activity-bar entry exists (the extension contributed it). */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.activitybar [aria-label^="Auth Debugger"]').first().waitFor({ timeout: 30_000 });
}

/** Run a command by its palette title (F1); resolves with performance.now() when Enter was pressed. */
export async function runCommand(page: Page, title: string): Promise<number> {
  const input = page.locator('.quick-input-widget input');
  // The palette can close again while the workbench settles (a webview taking focus, a layout change): open it
  // and type, and if the input is gone or inert, close whatever is open and try again.
  for (let attempt = 1; ; attempt++) {
    // A focused webview iframe keeps the keyboard; hand focus back to the workbench first.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
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

/** Pick a color theme by its label in the theme picker ("Dark Modern", "Light Modern"). */
export async function setColorTheme(page: Page, label: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.type(label);
  await page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: new RegExp(`^${escapeRegExp(label)}`) })
    .first()
    .waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  // The workbench names the theme type in a class; webviews restyle a moment after it changes.
  const type = /High Contrast/.test(label)
    ? /Light/.test(label)
      ? 'hc-light'
      : 'hc-black'
    : /Light/.test(label)
      ? 'vs'
      : 'vs-dark';
  await page.waitForFunction(
    (cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls) === true,
    type,
    { timeout: 10_000 },
  );
  await page.waitForTimeout(1000);
}

/** The webview's outer iframe in the workbench page: its box is the width the view is laid out at. */
export async function webviewElement(frame: Frame): Promise<ElementHandle> {
  const outer = frame.parentFrame();
  return (outer?.parentFrame() ? outer : frame).frameElement();
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Visible vertical sashes (the drag handles between sidebar, editor groups and panels), as centre x and box. */
async function verticalSashes(page: Page): Promise<Box[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.monaco-sash.vertical:not(.disabled)')]
      .map((s) => s.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 40)
      .map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
  );
}

async function drag(page: Page, from: { x: number; y: number }, toX: number): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + toX) / 2, from.y, { steps: 4 });
  await page.mouse.move(toX, from.y, { steps: 4 });
  await page.mouse.up();
  await page.waitForTimeout(250);
}

/**
 * Resize the part holding a webview (sidebar or editor group) until the webview is `width` px wide (±3), by
 * dragging the sash on its left edge (editor group) or right edge (sidebar). Returns the width reached.
 */
export async function setWebviewWidth(page: Page, frame: Frame, width: number): Promise<number> {
  let current = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const box = await (await webviewElement(frame)).boundingBox();
    if (!box) throw new Error('the webview is not laid out');
    current = Math.round(box.width);
    if (Math.abs(current - width) <= 3) return current;
    const sashes = await verticalSashes(page);
    const near = (edge: number): Box | undefined =>
      sashes.find((s) => Math.abs(s.x + s.width / 2 - edge) <= 8 && s.y <= box.y + 10);
    const left = near(box.x);
    const right = near(box.x + box.width);
    const y = box.y + Math.min(box.height / 2, 200);
    if (left)
      await drag(page, { x: left.x + left.width / 2, y }, left.x + left.width / 2 + (current - width));
    else if (right)
      await drag(page, { x: right.x + right.width / 2, y }, right.x + right.width / 2 + (width - current));
    else throw new Error(`no sash next to the webview at x=${box.x}..${box.x + box.width}`);
  }
  return current;
}
