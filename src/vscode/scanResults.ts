// Gathers what the scan worker reports (the core scan's RangeResult per file) into distinct tokens and their
// locations, with caps so a workspace full of tokens cannot grow the tree without bound. Pure (no `vscode`).
import type { RangeResult } from '../core/scan/ranges.ts';

/** Distinct tokens shown in the tree; further ones are counted in `untracked`. */
export const MAX_TREE_TOKENS = 2000;
/** Locations listed under one token (one per file it occurs in, at its first line there). */
export const MAX_LOCATIONS_PER_TOKEN = 200;

/** Where a token occurs in one file: its first and last line there and how often. */
export interface TokenLocation {
  /** Workspace-relative path, as shown. */
  file: string;
  /** Absolute path on disk, to open. */
  path: string;
  /** 1-based lines. */
  firstLine: number;
  lastLine: number;
  count: number;
}

/** One distinct token of the scan, before it is decoded. */
export interface CollectedToken {
  token: string;
  count: number;
  locations: TokenLocation[];
  /** Locations beyond MAX_LOCATIONS_PER_TOKEN (counted, not listed). */
  moreLocations: number;
}

export interface ScannedFile {
  file: string;
  path: string;
}

/**
 * Distinct tokens in first-seen order. The worker's scanner keeps one table for the whole scan, so a token's id
 * is the same in every file and its text comes with the first file that has it.
 */
export class ScanCollector {
  readonly #byId = new Map<number, CollectedToken>();
  /** Occurrences of tokens beyond the caps (the worker's own cap included). */
  untracked = 0;
  occurrences = 0;
  files = 0;
  errors: { file: string; error: string }[] = [];

  add(result: RangeResult, file: ScannedFile): void {
    this.files++;
    this.occurrences += result.occurrences;
    this.untracked += result.untracked;
    if (result.error !== undefined) this.errors.push({ file: file.file, error: result.error });
    for (const seen of result.tokens) {
      let entry = this.#byId.get(seen.id);
      if (entry === undefined) {
        if (seen.text === undefined || this.#byId.size >= MAX_TREE_TOKENS) {
          this.untracked += seen.count;
          continue;
        }
        entry = { token: seen.text, count: 0, locations: [], moreLocations: 0 };
        this.#byId.set(seen.id, entry);
      }
      entry.count += seen.count;
      if (entry.locations.length >= MAX_LOCATIONS_PER_TOKEN) entry.moreLocations++;
      else
        entry.locations.push({
          file: file.file,
          path: file.path,
          firstLine: seen.firstLine,
          lastLine: seen.lastLine,
          count: seen.count,
        });
    }
  }

  tokens(): CollectedToken[] {
    return [...this.#byId.values()];
  }
}
