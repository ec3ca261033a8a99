// Types for sampleWorkspace.mjs (UI tests reuse the playground's sample workspace).
import type { CognitoLocal, SeedUser } from './cognitoLocal.mjs';
import type { AlbKeyServer } from './sampleTokens.mjs';

/** Token names: ada|sam|rita + .id/.access, expired.id, tampered.id, alb.ada, alb.rita, alb.wrong-signer. */
export type SampleTokenName = string;

export interface SampleData {
  cognito: {
    endpoint: string;
    poolId: string;
    poolArn: string;
    clientId: string;
    issuer: string;
    jwksUrl: string;
  };
  alb: { keyUrl: string; kid: string; arn: string; wrongArn: string };
  users: (SeedUser & { sub?: string })[];
  tokens: Record<SampleTokenName, string>;
  createdAt: string;
}

export interface SimulateCase {
  /** A concrete request, e.g. "GET /reports/42". */
  route: string;
  /** Token name, or null for a request without a token. */
  token: SampleTokenName | null;
  expect: { decision: 'allow' | 'deny'; status: number };
  why: string;
}

export interface SampleCases {
  simulate: SimulateCase[];
  /** The same kind of cases against template.yaml, run with --jwks (the key URL the workspace settings give). */
  simulateTemplate: SimulateCase[];
  inspect: { token: SampleTokenName; args: string[]; expect: { valid: boolean; failed?: string } }[];
  routes: { config: string; includes: string[] }[];
}

export declare const SAMPLE_USERS: readonly Required<SeedUser>[];
export declare const SAMPLE_GROUPS: readonly string[];
export declare const SAMPLE_API: Readonly<{
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
}>;
export declare const SAMPLE_ALB_ARN: string;
export declare const WRONG_ALB_ARN: string;

export declare function prepareSampleData(o: {
  cognito: CognitoLocal;
  keyServer: AlbKeyServer;
  cognitoLocalDir: string;
  name?: string;
}): Promise<SampleData>;
export declare function sampleCases(data: SampleData): SampleCases;
export declare function writeSampleWorkspace(
  dir: string,
  data: SampleData,
  opts?: { repoDir?: string },
): { dir: string; files: string[]; cases: SampleCases };
export declare function startSampleEnvironment(o: {
  dir: string;
  log?: (m: string) => void;
  repoDir?: string;
}): Promise<{
  dir: string;
  files: string[];
  cases: SampleCases;
  data: SampleData;
  cognito: CognitoLocal;
  keyServer: AlbKeyServer;
  stop(): Promise<void>;
}>;
