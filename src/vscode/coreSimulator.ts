// The simulator and infrastructure readers of the core, gathered for the extension.
import { parseConfigFile } from '../core/simulate/configFile.ts';
import type { ConfigReaders } from './configIndex.ts';
import type { Simulate } from './simulatorView.ts';

/** Reads authdebug files and infrastructure files. */
export const configReaders: ConfigReaders = {
  readConfigFile: parseConfigFile,
  looksLikeInfrastructure: () => false,
  readInfrastructureFile: () => ({ ok: false, errors: ['infrastructure files are not supported yet'] }),
};

/** The core's simulate. */
export const simulate: Simulate = () => Promise.reject(new Error('simulate is not available yet'));
