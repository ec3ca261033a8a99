// One entry point for every configuration the simulator reads: authdebug.* or infrastructure code.
import { configTextTooLarge } from '../fileLimits.ts';
import type { Warning } from '../findings.ts';
import { readInfrastructureFile } from './index.ts';
import { parseConfigFile } from '../config/configFile.ts';
import type { SimConfig } from '../config/model.ts';

/** A usable configuration with what was noticed while reading it, or the reasons it is unusable. */
export type LoadedConfig =
  { ok: true; config: SimConfig; warnings: Warning[] } | { ok: false; errors: string[] };

/** authdebug.yaml / authdebug.yml / authdebug.json, in any folder. */
export function isAuthdebugFile(fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return /^authdebug\.(ya?ml|json)$/i.test(base);
}

/** authdebug.* goes to the strict parser; anything else is read as SAM/CloudFormation/OpenAPI. Both are size-capped. */
export function loadConfig(fileName: string, text: string): LoadedConfig {
  const tooLarge = configTextTooLarge(fileName, text);
  if (tooLarge) return { ok: false, errors: [tooLarge] };
  if (isAuthdebugFile(fileName)) {
    const parsed = parseConfigFile(fileName, text);
    return parsed.ok ? { ok: true, config: parsed.config, warnings: parsed.config.warnings } : parsed;
  }
  const read = readInfrastructureFile(fileName, text);
  if (!read.config) {
    const reasons = read.warnings.map((w) => w.message);
    return {
      ok: false,
      errors: reasons.length > 0 ? reasons : [`${fileName}: no API Gateway or ALB routes found`],
    };
  }
  return { ok: true, config: read.config, warnings: read.warnings };
}
