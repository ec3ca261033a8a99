// Public surface of the infrastructure-code reader (pure core: no vscode, no network, no file system).
export { looksLikeInfrastructure, readInfrastructureFile } from './infrastructureReader.ts';
export type { InfrastructureReadResult } from './infrastructureReader.ts';
export { IntrinsicResolver, isPlaceholder } from './intrinsics.ts';
export { parseTemplate } from './templateParse.ts';
export type { ParsedTemplate } from './templateParse.ts';
