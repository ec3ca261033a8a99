// `.gitignore`-style excludes for folder scans, matched with the linear wildcard matcher (no RegExp from data).
// Supported: comments, blank lines, `!` negation (last match wins), trailing `/` (directories only), a `/` inside
// or in front (anchored to the .gitignore's folder), otherwise a match on the name at any depth. One difference
// from git: `*` may also match `/` (so `logs/*.txt` reaches into subfolders of logs/).
import { matchesGlob } from '../glob.ts';
import { trimTrailingSlashes } from '../textScan.ts';

export interface IgnoreRule {
  /** Folder of the file the rule came from, relative to the scan root ('' for the root and --exclude). */
  base: string;
  pattern: string;
  negate: boolean;
  directoryOnly: boolean;
  anchored: boolean;
}

const MAX_RULES_PER_FILE = 1000;

/** The rules of one .gitignore (or of --exclude values, one per line). */
export function parseIgnore(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split('\n')) {
    if (rules.length >= MAX_RULES_PER_FILE) break;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    line = line.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const directoryOnly = line.endsWith('/');
    if (directoryOnly) line = trimTrailingSlashes(line);
    const anchored = line.includes('/');
    line = line.replace(/^\/+/, '');
    if (line === '') continue;
    rules.push({ base, pattern: line, negate, directoryOnly, anchored });
  }
  return rules;
}

/** Is `path` (relative to the scan root, `/`-separated) excluded by the rules (in order, last match wins)? */
export function isIgnored(rules: readonly IgnoreRule[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.directoryOnly && !isDirectory) continue;
    let relative = path;
    if (rule.base !== '') {
      if (!path.startsWith(`${rule.base}/`)) continue;
      relative = path.slice(rule.base.length + 1);
    }
    if (matches(rule, relative)) ignored = !rule.negate;
  }
  return ignored;
}

function matches(rule: IgnoreRule, relative: string): boolean {
  if (!rule.anchored) {
    const name = relative.slice(relative.lastIndexOf('/') + 1);
    return matchesGlob(rule.pattern, name);
  }
  if (matchesGlob(rule.pattern, relative)) return true;
  return rule.pattern.startsWith('**/') && matchesGlob(rule.pattern.slice(3), relative);
}
