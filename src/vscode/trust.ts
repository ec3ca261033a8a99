// Workspace trust: in Restricted Mode tokens are decoded but no key is fetched, and every view says why.
import * as vscode from 'vscode';
import type { TrustInfo } from '../shared/protocol.ts';

export const RESTRICTED_NOTE =
  'Restricted Mode: tokens are decoded, but no keys are fetched (URLs may come from this workspace), so signatures are checked only against keys already cached. Trust the workspace to verify.';

/** Whether key URLs may be fetched right now. */
export function networkAllowed(): boolean {
  return vscode.workspace.isTrusted;
}

/** The trust state as the webviews show it. */
export function trustInfo(): TrustInfo {
  const trusted = vscode.workspace.isTrusted;
  return { trusted, note: trusted ? undefined : RESTRICTED_NOTE };
}
