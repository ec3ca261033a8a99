// HMAC secrets for HS* tokens, kept only in SecretStorage (never settings, globalState or webview state).
import type * as vscode from 'vscode';

const PREFIX = 'authDebugger.hmac:';
const INDEX_KEY = 'authDebugger.hmacIssuers';

/** Per-issuer HMAC secrets in the OS keychain via SecretStorage. */
export class HmacSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  /** The secret for an issuer, as bytes, or undefined. */
  async get(issuer: string): Promise<Uint8Array | undefined> {
    const value = await this.storage.get(PREFIX + issuer);
    return value === undefined ? undefined : new TextEncoder().encode(value);
  }

  async set(issuer: string, secret: string): Promise<void> {
    await this.storage.store(PREFIX + issuer, secret);
    const issuers = await this.issuers();
    if (!issuers.includes(issuer)) await this.storage.store(INDEX_KEY, JSON.stringify([...issuers, issuer]));
  }

  async clear(): Promise<number> {
    const issuers = await this.issuers();
    for (const issuer of issuers) await this.storage.delete(PREFIX + issuer);
    await this.storage.delete(INDEX_KEY);
    return issuers.length;
  }

  private async issuers(): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse((await this.storage.get(INDEX_KEY)) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
    } catch {
      return [];
    }
  }
}
