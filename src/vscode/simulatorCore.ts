// The simulator half of the core, bundled apart (dist/simulatorCore.js) and loaded on first use: it carries the
// YAML parser and the infrastructure readers, which hovers and the Inspector never need.
export { looksLikeInfrastructure } from '../core/iac/index.ts';
export { isAuthdebugFile, loadConfig } from '../core/iac/loadConfig.ts';
export { simulate } from '../core/simulate/simulate.ts';
