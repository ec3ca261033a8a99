// Types for codeServer.mjs so the extension's TypeScript test runners can import it.
export { LaunchError } from './proc.mjs';

export declare const DEFAULT_SETTINGS: Readonly<Record<string, unknown>>;

export interface StartCodeServerOptions {
  /** Folder opened at `/` (tests may open another with folderUrl/extensionTestUrl). */
  workspace?: string;
  /** Fixed port on 127.0.0.1; a LaunchError names it when it is in use. Default: a free port. */
  port?: number;
  extensionsDir?: string;
  userDataDir?: string;
  /** Merged over DEFAULT_SETTINGS into `<userDataDir>/User/settings.json`. */
  settings?: Record<string, unknown>;
  /** Default true (`--disable-workspace-trust`); false keeps trust on for restricted-mode tests. */
  trust?: boolean;
  /** Adds `--vscode-option enable-smoke-test-driver` (needed for extension-host test payloads). */
  smokeTestDriver?: boolean;
  log?: (m: string) => void;
  timeoutMs?: number;
  keepRunDir?: boolean;
  extraArgs?: string[];
}

export interface CodeServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  pid: number;
  runDir: string;
  logFile: string;
  extensionsDir: string;
  userDataDir: string;
  workspace?: string;
  /** Resolves when the server process exits (for noticing a crash). */
  exited: Promise<unknown>;
  /** Kills the whole process group and removes the temporary run dir. */
  stop(): Promise<void>;
}

export declare function startCodeServer(opts?: StartCodeServerOptions): Promise<CodeServer>;
export declare function installVsix(opts: {
  vsixPath: string;
  extensionsDir: string;
  userDataDir: string;
  log?: (m: string) => void;
}): Promise<{ output: string }>;
export declare function extensionTestUrl(o: {
  url: string;
  port: number;
  folder: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
}): string;
export declare function folderUrl(url: string, folder: string): string;
export declare function writeUserSettings(userDataDir: string, settings?: Record<string, unknown>): string;
