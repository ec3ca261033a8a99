// Types for scripts/import-graph.mjs (used by test/unit/layering.test.ts).
export interface ImportEdge {
  to: string;
  typeOnly: boolean;
  dynamic: boolean;
}
export interface FolderEdge {
  imports: number;
  valueImports: number;
  files: Set<string>;
}
export declare function importsOf(
  path: string,
  text?: string,
): { specifier: string; typeOnly: boolean; dynamic?: boolean }[];
export declare function importGraph(folder: string): {
  files: Map<string, ImportEdge[]>;
  folders: Map<string, Map<string, FolderEdge>>;
  external: Map<string, number>;
};
export declare function cycles<T>(nodes: T[], successors: (node: T) => T[]): T[][];
