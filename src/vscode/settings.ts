// Reads the `authDebugger.*` settings into plain values; nothing else in the extension calls getConfiguration.
import * as vscode from 'vscode';
import { setOwn } from '../core/iac/objects.ts';

export interface Settings {
  /** Issuer URL -> JWKS URL. */
  jwksUrls: Record<string, string>;
  /** App client ids the user expects (`aud` of ID tokens, `client_id` of access tokens, ALB `client`). */
  expectedClientIds: string[];
  albArn: string | undefined;
  albKeyUrl: string | undefined;
  clockSkewSeconds: number;
  fetchTimeoutMs: number;
  allowHttpOnLoopback: boolean;
  configFiles: string[];
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    // setOwn: a `__proto__` key is data like any other, kept rather than dropped or turned into a prototype.
    if (typeof entry === 'string' && entry.trim() !== '') setOwn(out, key, entry.trim());
  }
  return out;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim())
    : [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Current settings, validated and clamped (a bad value falls back to its default). */
export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('authDebugger');
  return {
    jwksUrls: stringRecord(config.get('jwksUrls')),
    expectedClientIds: stringList(config.get('expectedClientIds')),
    albArn: optionalString(config.get('albArn')),
    albKeyUrl: optionalString(config.get('albKeyUrl')),
    clockSkewSeconds: clamp(Number(config.get('clockSkewSeconds', 0)), 0, 600, 0),
    fetchTimeoutMs: Math.round(clamp(Number(config.get('fetchTimeoutSeconds', 5)), 1, 30, 5) * 1000),
    allowHttpOnLoopback: config.get<boolean>('allowHttpOnLoopback', true),
    // The defaults live in package.json; an empty list turns workspace discovery off. A restricted setting:
    // in Restricted Mode VS Code returns the user's value, never the workspace's (package.json capabilities).
    configFiles: stringList(config.get('configFiles')),
  };
}

/** The local gateway's settings as given (validated by src/vscode/gatewayRequestLog.ts). */
export function readGatewaySettings(): { port: unknown; target: string | undefined } {
  const config = vscode.workspace.getConfiguration('authDebugger.gateway');
  return { port: config.get('port'), target: optionalString(config.get('target')) };
}

/** Settings whose change invalidates the key store (fetch behaviour). */
export function affectsKeyFetching(event: vscode.ConfigurationChangeEvent): boolean {
  return (
    event.affectsConfiguration('authDebugger.fetchTimeoutSeconds') ||
    event.affectsConfiguration('authDebugger.allowHttpOnLoopback')
  );
}
