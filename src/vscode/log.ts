// The Output channel. Every line passes through redact(): a whole token never reaches a log.
import * as vscode from 'vscode';

const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]*={0,2}\.[A-Za-z0-9_-]*={0,2}(?:\.[A-Za-z0-9_-]*={0,2}){1,3}/g;

/** Replace every compact token in `text` by `header.payload.<redacted>` (JWE: `<encrypted token redacted>`). */
export function redact(text: string): string {
  return text.replace(TOKEN_LIKE, (match) => {
    const parts = match.split('.');
    if (parts.length !== 3) return '<encrypted token redacted>';
    return `${parts[0] ?? ''}.${parts[1] ?? ''}.<redacted>`;
  });
}

/** A small logger over a LogOutputChannel that redacts every line. */
export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Auth Debugger', { log: true });
  }

  info(message: string): void {
    this.channel.info(redact(message));
  }

  warn(message: string): void {
    this.channel.warn(redact(message));
  }

  error(message: string, error?: unknown): void {
    const detail =
      error instanceof Error ? `: ${error.message}` : typeof error === 'string' ? `: ${error}` : '';
    this.channel.error(redact(message + detail));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
