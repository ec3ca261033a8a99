// Types for chromium.mjs.
import type { BrowserContext, Page } from 'playwright-core';

export declare const CHROMIUM_ARGS: readonly string[];
export declare const CHROMIUM_PATH: string;
export declare function launchChromium(opts?: {
  headless?: boolean;
  viewport?: { width: number; height: number };
  args?: string[];
}): Promise<{ context: BrowserContext; page: Page; profileDir: string; close(): Promise<void> }>;
