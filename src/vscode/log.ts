// The Output channel. Every line passes through the core's redactText(): a whole token never reaches a log.
import * as vscode from 'vscode';
import { redactText } from '../core/redact.ts';

/** A small logger over a LogOutputChannel that redacts every line. */
export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Auth Debugger', { log: true });
  }

  info(message: string): void {
    this.channel.info(redactText(message));
  }

  warn(message: string): void {
    this.channel.warn(redactText(message));
  }

  error(message: string, error?: unknown): void {
    const detail =
      error instanceof Error ? `: ${error.message}` : typeof error === 'string' ? `: ${error}` : '';
    this.channel.error(redactText(message + detail));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
