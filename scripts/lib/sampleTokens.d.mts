// Types for sampleTokens.mjs.
import type { KeyObject } from 'node:crypto';

export interface AlbKeyServer {
  /** `http://127.0.0.1:<port>`: use as the ALB key URL base (the PEM is at `/{kid}`). */
  baseUrl: string;
  port: number;
  /** A random UUID, as real ALB kids are. */
  kid: string;
  privateKey: KeyObject;
  publicKeyPem: string;
  /** How many requests the endpoint has served (tests assert "zero fetches" with it). */
  requests(): number;
  stop(): Promise<void>;
}

export declare function startAlbKeyServer(opts?: { port?: number }): Promise<AlbKeyServer>;
export declare function signAlbBlob(o: {
  privateKey: KeyObject;
  kid: string;
  signer: string;
  client: string;
  iss: string;
  claims: Record<string, unknown>;
  exp?: number;
}): string;
export declare function signRs256(header: object, payload: object, privateKeyPem: string): string;
export declare function tamperToken(token: string, edit: Record<string, unknown>): string;
export declare function decodeSegment(segment: string): Record<string, unknown>;
export declare function b64urlPadded(data: Uint8Array | string): string;
