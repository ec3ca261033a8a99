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

const TOP_LEVEL_YAML_KEY = /^["']?([A-Za-z_][A-Za-z0-9_-]*)["']?[ \t]*:/;
const CONFIG_KEYS = ['authorizers', 'routes'];
const TEMPLATE_KEYS = ['Resources', 'AWSTemplateFormatVersion', 'Transform', 'openapi', 'swagger', 'paths'];

/**
 * An authdebug configuration by its content, whatever the file is called: a top-level `version` and
 * `authorizers` or `routes`, and none of the keys that make a template (`Resources`, `openapi`...).
 * One pass over the lines (YAML keys at column 0) or one JSON.parse; the text is already size-capped.
 */
export function looksLikeAuthdebugConfig(text: string): boolean {
  const keys = new Set<string>();
  const start = text.trimStart();
  if (start.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(start);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const key of Object.keys(value)) keys.add(key);
      }
    } catch {
      return false;
    }
  } else {
    for (const line of text.split('\n')) {
      const key = TOP_LEVEL_YAML_KEY.exec(line)?.[1];
      if (key !== undefined) keys.add(key);
    }
  }
  return (
    keys.has('version') &&
    CONFIG_KEYS.some((key) => keys.has(key)) &&
    !TEMPLATE_KEYS.some((key) => keys.has(key))
  );
}

/**
 * An authdebug configuration (by name or by content) goes to the strict parser; anything else is read as
 * SAM/CloudFormation/OpenAPI. Both are size-capped.
 */
export function loadConfig(fileName: string, text: string): LoadedConfig {
  const tooLarge = configTextTooLarge(fileName, text);
  if (tooLarge) return { ok: false, errors: [tooLarge] };
  if (isAuthdebugFile(fileName) || looksLikeAuthdebugConfig(text)) {
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
