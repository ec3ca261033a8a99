// The "Gateway Requests" tree in the Auth Debugger container: one row per request the local gateway answered,
// newest first. A row's command carries only its id: the headers (tokens) stay in the extension host's memory.
import * as vscode from 'vscode';
import type { GatewayRequestLog, GatewayRequestRow } from './gatewayRequestLog.ts';
import { rowDescription, rowLabel, rowTooltip } from './gatewayRequestLog.ts';

export const GATEWAY_REQUESTS_VIEW_ID = 'authDebugger.gatewayRequests';
export const GATEWAY_OPEN_REQUEST_COMMAND = 'authDebugger.gatewayOpenRequest';
/** Tree refreshes are coalesced: a burst of requests redraws the view once per this many milliseconds. */
const REFRESH_DELAY_MS = 100;

function icon(row: GatewayRequestRow): vscode.ThemeIcon {
  if (row.problem !== undefined)
    return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (row.verdict === 'ALLOW')
    return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (row.verdict === 'FORWARDED') return new vscode.ThemeIcon('arrow-right');
  return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
}

export class GatewayRequestsTree implements vscode.TreeDataProvider<GatewayRequestRow>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly log: GatewayRequestLog) {}

  /** Redraw soon (coalesced). */
  refresh(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire();
    }, REFRESH_DELAY_MS);
  }

  getChildren(element?: GatewayRequestRow): GatewayRequestRow[] {
    return element === undefined ? this.log.rows() : [];
  }

  getTreeItem(row: GatewayRequestRow): vscode.TreeItem {
    const item = new vscode.TreeItem(rowLabel(row), vscode.TreeItemCollapsibleState.None);
    item.id = `gateway-request-${row.id}`;
    item.description = rowDescription(row);
    item.tooltip = rowTooltip(row);
    item.iconPath = icon(row);
    item.contextValue = row.openable ? 'authDebugger.gatewayRequest' : 'authDebugger.gatewayRequestClosed';
    if (row.openable)
      item.command = {
        command: GATEWAY_OPEN_REQUEST_COMMAND,
        title: 'Open as Simulation',
        arguments: [row.id],
      };
    return item;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.emitter.dispose();
  }
}
