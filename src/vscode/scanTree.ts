// "Auth Debugger: Scan Workspace for Tokens": the workspace's files (files.exclude honoured, a size cap) are
// scanned by a worker thread running the core scan; each distinct token is then decoded, and verified unless
// the workspace is in Restricted Mode (decode only: nothing is fetched). Results: a tree in the Auth Debugger
// container, distinct tokens first, their locations under them. A token is never shown whole.
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { tokenVerdict } from '../core/explain/verdict.ts';
import { kindLabel } from '../core/kindLabels.ts';
import { redactToken } from '../core/redact.ts';
import type { TokenReport } from '../core/types.ts';
import { decodeToken, decodedReport } from '../core/verify/inspect.ts';
import { visibleText } from '../shared/display.ts';
import type { Log } from './log.ts';
import { ScanCollector } from './scanResults.ts';
import type { CollectedToken, TokenLocation } from './scanResults.ts';
import type { ScanFileTask, ScanRequest, WorkerMessage } from './scanTreeWorker.ts';
import { networkAllowed } from './trust.ts';
import { nowSeconds } from './verification.ts';
import type { Verifier } from './verification.ts';

export const SCAN_VIEW_ID = 'authDebugger.scanResults';
export const SCAN_COMMAND = 'authDebugger.scanWorkspace';
export const SCAN_OPEN_COMMAND = 'authDebugger.scanOpenInInspector';
export const SCAN_MAX_FILE_SETTING = 'scan.maxFileSizeMB';
const DEFAULT_MAX_FILE_MB = 20;
/** Files listed per scan (VS Code's findFiles cap). */
export const MAX_SCAN_FILES = 20_000;
/** Issuers whose keys one scan may fetch (a hostile repository may name thousands of fake pools). */
const MAX_FETCHED_ISSUERS = 20;

/** Distinct tokens verified between two yields to the event loop. */
const VERIFY_BATCH = 50;

/** What one scan found, as the tree shows it (also the command's result, for the host tests). */
export interface ScanSummary {
  files: number;
  skipped: number;
  bytes: number;
  restricted: boolean;
  untracked: number;
  tokens: ScanTokenSummary[];
}

export interface ScanTokenSummary {
  kind: TokenReport['kind'];
  label: string;
  description: string;
  verdict: ReturnType<typeof tokenVerdict>['status'] | 'encrypted' | 'not-a-token';
  redacted: string;
  count: number;
  locations: { file: string; line: number; count: number }[];
}

interface TokenNode {
  type: 'token';
  collected: CollectedToken;
  summary: ScanTokenSummary;
}

interface LocationNode {
  type: 'location';
  parent: TokenNode;
  location: TokenLocation;
}

interface NoteNode {
  type: 'note';
  text: string;
}

type ScanNode = TokenNode | LocationNode | NoteNode;

function maxFileBytes(): number {
  const mb = Number(
    vscode.workspace.getConfiguration('authDebugger').get(SCAN_MAX_FILE_SETTING, DEFAULT_MAX_FILE_MB),
  );
  return Math.round((Number.isFinite(mb) && mb > 0 ? Math.min(mb, 1024) : DEFAULT_MAX_FILE_MB) * 1024 * 1024);
}

/** The tree data and the scan behind it. */
export class ScanTreeProvider implements vscode.TreeDataProvider<ScanNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ScanNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ScanNode[] = [];
  private worker: Worker | undefined;
  /** The last completed scan. */
  summary: ScanSummary | undefined;

  /** Issuers whose keys this scan fetched (at most MAX_FETCHED_ISSUERS). */
  private readonly fetchedIssuers = new Set<string>();

  constructor(
    private readonly workerPath: string,
    private readonly verifier: Verifier,
    private readonly log: Log,
  ) {}

  static workerIn(extensionUri: vscode.Uri): string {
    return join(extensionUri.fsPath, 'dist', 'scanTreeWorker.js');
  }

  getTreeItem(node: ScanNode): vscode.TreeItem {
    if (node.type === 'note') return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    if (node.type === 'token') {
      const item = new vscode.TreeItem(node.summary.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = node.summary.description;
      item.tooltip = new vscode.MarkdownString().appendText(
        `${node.summary.redacted}\n${node.summary.count} occurrence(s) in ${node.collected.locations.length} file(s)`,
      );
      item.iconPath = new vscode.ThemeIcon(iconFor(node.summary.verdict));
      item.contextValue = 'authDebugger.scanToken';
      return item;
    }
    const { location } = node;
    const item = new vscode.TreeItem(
      `${location.file}:${location.firstLine}`,
      vscode.TreeItemCollapsibleState.None,
    );
    item.description =
      location.count > 1 ? `${location.count}× (last on line ${location.lastLine})` : undefined;
    item.iconPath = vscode.ThemeIcon.File;
    item.resourceUri = vscode.Uri.file(location.path);
    item.contextValue = 'authDebugger.scanLocation';
    const line = Math.max(0, location.firstLine - 1);
    item.command = {
      command: 'vscode.open',
      title: 'Open',
      arguments: [vscode.Uri.file(location.path), { selection: new vscode.Range(line, 0, line, 0) }],
    };
    return item;
  }

  getChildren(node?: ScanNode): ScanNode[] {
    if (node === undefined) return this.roots;
    if (node.type !== 'token') return [];
    const children: ScanNode[] = node.collected.locations.map((location) => ({
      type: 'location',
      parent: node,
      location,
    }));
    if (node.collected.moreLocations > 0)
      children.push({ type: 'note', text: `… and ${node.collected.moreLocations} more file(s)` });
    return children;
  }

  getParent(node: ScanNode): ScanNode | undefined {
    return node.type === 'location' ? node.parent : undefined;
  }

  /** The token text behind a tree node (for "Open in Token Inspector"), never shown in the tree itself. */
  tokenOf(node: unknown): string | undefined {
    if (node === null || typeof node !== 'object') return undefined;
    const scanNode = node as ScanNode;
    if (scanNode.type === 'token') return scanNode.collected.token;
    if (scanNode.type === 'location') return scanNode.parent.collected.token;
    return undefined;
  }

  /** Scan the workspace; a scan already running is stopped first. */
  async scan(
    progress?: vscode.Progress<{ message?: string }>,
    cancel?: vscode.CancellationToken,
  ): Promise<ScanSummary> {
    this.stop();
    this.fetchedIssuers.clear();
    const restricted = !networkAllowed();
    const uris = (await vscode.workspace.findFiles('**/*', undefined, MAX_SCAN_FILES)).filter(
      (uri) => uri.scheme === 'file',
    );
    const files: ScanFileTask[] = uris.map((uri, index) => ({
      index,
      path: uri.fsPath,
      file: vscode.workspace.asRelativePath(uri),
    }));
    progress?.report({ message: `reading ${files.length} file(s)` });
    const collector = new ScanCollector();
    let skipped = 0;
    const bytes = await this.runWorker({ files, maxFileBytes: maxFileBytes() }, cancel, (result) => {
      const file = files[result.index];
      if (file === undefined) return;
      if (result.skipped !== undefined) {
        skipped++;
        return;
      }
      collector.add(result, file);
    });
    for (const error of collector.errors.slice(0, 20)) this.log.warn(`Scan: ${error.file}: ${error.error}`);
    progress?.report({ message: `checking ${collector.tokens().length} distinct token(s)` });
    const nodes: TokenNode[] = [];
    let batch = 0;
    for (const collected of collector.tokens()) {
      if (cancel?.isCancellationRequested) break;
      nodes.push({ type: 'token', collected, summary: await this.summarize(collected, restricted) });
      // Verification is synchronous crypto: yield now and then so the host stays responsive on big scans.
      if (++batch % VERIFY_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    nodes.sort((a, b) => rank(a.summary) - rank(b.summary) || b.summary.count - a.summary.count);
    const summary: ScanSummary = {
      files: files.length - skipped,
      skipped,
      bytes,
      restricted,
      untracked: collector.untracked,
      tokens: nodes.map((n) => n.summary),
    };
    this.roots = nodes.length > 0 ? nodes : [{ type: 'note', text: `No tokens in ${summary.files} file(s)` }];
    if (restricted)
      this.roots.unshift({ type: 'note', text: 'Restricted Mode: tokens decoded only, no keys fetched' });
    if (skipped > 0)
      this.roots.push({ type: 'note', text: `${skipped} file(s) over the size cap were skipped` });
    this.summary = summary;
    this.changed.fire(undefined);
    this.log.info(
      `Scan: ${summary.files} file(s), ${bytes} bytes, ${summary.tokens.length} distinct token(s)${restricted ? ' (Restricted Mode: decoded only)' : ''}`,
    );
    return summary;
  }

  private async runWorker(
    request: ScanRequest,
    cancel: vscode.CancellationToken | undefined,
    onFile: (result: Extract<WorkerMessage, { type: 'file' }>['result']) => void,
  ): Promise<number> {
    // Loaded on the first scan, not at activation.
    const { Worker } = await import('node:worker_threads');
    return new Promise((resolve, reject) => {
      const worker = new Worker(this.workerPath);
      this.worker = worker;
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        if (this.worker === worker) this.worker = undefined;
        subscription?.dispose();
        outcome();
      };
      const subscription = cancel?.onCancellationRequested(() => {
        void worker.terminate();
        finish(() => resolve(0));
      });
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'file') onFile(message.result);
        else finish(() => resolve(message.bytes));
      });
      worker.on('error', (error) => finish(() => reject(error)));
      worker.on('exit', () => finish(() => resolve(0)));
      worker.postMessage(request);
    });
  }

  private async summarize(collected: CollectedToken, restricted: boolean): Promise<ScanTokenSummary> {
    const decoded = decodeToken(collected.token);
    const now = nowSeconds();
    // Restricted Mode: decode only (the token's issuer may come from this workspace; nothing is fetched).
    const report =
      restricted || decoded.token.kind === 'invalid' || decoded.token.kind === 'jwe'
        ? decodedReport(decoded, now)
        : await this.verifiedReport(collected.token, decoded);
    const verdict =
      report.kind === 'jwe'
        ? 'encrypted'
        : report.kind === 'invalid'
          ? 'not-a-token'
          : tokenVerdict(report).status;
    const payload = report.payload ?? {};
    const who = payload['cognito:username'] ?? payload['username'] ?? payload['sub'] ?? payload['iss'];
    const exp = payload['exp'];
    const expired = typeof exp === 'number' ? (exp <= now ? 'expired' : 'unexpired') : undefined;
    // A valid token is unexpired and verified: live, i.e. a leak if this file is shared.
    const verdictText = verdict === 'decoded-only' ? 'decoded only' : verdict === 'valid' ? 'live' : verdict;
    return {
      kind: report.kind,
      label: typeof who === 'string' ? `${kindLabel(report.kind)} · ${visible(who)}` : kindLabel(report.kind),
      description: [verdictText, expired, `${collected.count}×`]
        .filter((part) => part !== undefined)
        .join(' · '),
      verdict,
      redacted: redactToken(collected.token),
      count: collected.count,
      locations: collected.locations.map((l) => ({ file: l.file, line: l.firstLine, count: l.count })),
    };
  }

  private async verifiedReport(token: string, decoded: ReturnType<typeof decodeToken>): Promise<TokenReport> {
    // A cloned repository may hold tokens of thousands of fake issuers: keys are fetched for the first
    // MAX_FETCHED_ISSUERS issuers of a scan only; the others are checked against cached keys.
    const payload = decoded.token.payload;
    const header = decoded.token.header;
    const issuerValue = payload?.['iss'] ?? header?.['signer'];
    const issuer = typeof issuerValue === 'string' ? issuerValue.slice(0, 300) : '';
    if (!this.fetchedIssuers.has(issuer) && this.fetchedIssuers.size < MAX_FETCHED_ISSUERS)
      this.fetchedIssuers.add(issuer);
    const network = this.fetchedIssuers.has(issuer);
    const outcome = await this.verifier.inspect(token, { network, reload: false });
    if (outcome.ok && outcome.items[0]) return outcome.items[0].report;
    return decodedReport(decoded, nowSeconds());
  }

  stop(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  dispose(): void {
    this.stop();
    this.changed.dispose();
  }
}

/** Claim text in a tree label: escaped as every view shows it (no hidden characters), bounded. */
function visible(text: string): string {
  const clean = visibleText(text);
  return clean.length > 60 ? `${clean.slice(0, 60)}…` : clean;
}

/** Invalid first (forged or broken), then valid ones (live: a leak), then the rest. */
function rank(summary: ScanTokenSummary): number {
  switch (summary.verdict) {
    case 'invalid':
      return 0;
    case 'valid':
      return 1;
    case 'not-verified':
      return 2;
    case 'decoded-only':
      return 3;
    case 'encrypted':
      return 4;
    case 'not-a-token':
      return 5;
  }
}

function iconFor(verdict: ScanTokenSummary['verdict']): string {
  switch (verdict) {
    case 'invalid':
      return 'error';
    case 'valid':
      return 'pass';
    case 'not-verified':
    case 'decoded-only':
      return 'question';
    case 'encrypted':
      return 'lock';
    case 'not-a-token':
      return 'circle-slash';
  }
}
