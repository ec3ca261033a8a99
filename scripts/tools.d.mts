// Types for tools.mjs.
export declare const VERSIONS: Readonly<{ node24: string; codeServer: string; cognitoLocal: string }>;

export interface ToolPaths {
  toolsDir: string;
  node24Dir: string;
  node24Bin: string;
  codeServerDir: string;
  codeServerEntry: string;
  cognitoLocalDir: string;
  cognitoLocalBin: string;
}

export declare class ToolsError extends Error {}
export declare function toolsDir(): string;
export declare function toolPaths(dir?: string): ToolPaths;
export declare function ensureTools(opts?: {
  log?: (m: string) => void;
  only?: ('node24' | 'codeServer' | 'cognitoLocal')[];
}): Promise<ToolPaths & { versions: typeof VERSIONS; timings: Record<string, number>; totalMs: number }>;
export declare function checkDebianPackages(names?: string[]): {
  ok: boolean;
  missing: string[];
  reasons: Record<string, string>;
  fix: string;
};
/** Installs missing Debian packages with apt-get when running as root (unless AUTHDBG_NO_APT=1); reports otherwise. */
export declare function ensureDebianPackages(options?: {
  log?: (message: string) => void;
  names?: string[];
}): {
  ok: boolean;
  missing: string[];
  reasons: Record<string, string>;
  fix: string;
};
