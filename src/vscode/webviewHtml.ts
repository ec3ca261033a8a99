// The one place that builds webview HTML and webview options: strict CSP with a crypto nonce, own roots only.
import * as vscode from 'vscode';

export type WebviewEntry = 'inspector' | 'simulator';

/** Options for every webview: scripts on, command URIs off, resources only from dist/ and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/**
 * A fresh nonce per render from the platform CSPRNG (Web Crypto's getRandomValues, the same source as
 * crypto.randomBytes), reached on first render so activation does not load node:crypto.
 */
export function createNonce(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(18))).toString('base64');
}

/** The HTML shell of a webview: no data in it, the script renders what the host posts after `ready`. */
export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  entry: WebviewEntry,
  title: string,
): string {
  const nonce = createNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${entry}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  const source = webview.cspSource;
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${source}`,
    `img-src ${source}`,
    `font-src ${source}`,
  ].join('; ');
  const safeTitle = title.replace(/[^A-Za-z0-9 ]/g, '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${safeTitle}</title>
</head>
<body data-view="${entry}">
<main id="app" aria-live="polite"><p class="muted">Loading…</p></main>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
