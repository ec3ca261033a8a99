// Size caps for workspace files every surface reads (the CLI's --config, the editor's configuration scan).

/** authdebug.* and SAM/CloudFormation/OpenAPI files larger than this are not read (real ones are far smaller). */
export const MAX_CONFIG_FILE_BYTES = 2 * 1024 * 1024;

/**
 * "config.yaml is 3.2 MB; the limit is 2 MB" when a file is over the cap, otherwise undefined. `atLeast` when only
 * a lower bound of the size is known (a pipe stopped at the cap).
 */
export function configFileTooLarge(fileName: string, bytes: number, atLeast = false): string | undefined {
  if (bytes <= MAX_CONFIG_FILE_BYTES) return undefined;
  const limit = megabytes(MAX_CONFIG_FILE_BYTES);
  return `${fileName} is ${atLeast ? `over ${limit}` : megabytes(bytes)}; the limit is ${limit}`;
}

/** The same check for text already read (its UTF-8 size). */
export function configTextTooLarge(fileName: string, text: string): string | undefined {
  // At most 3 UTF-8 bytes per UTF-16 unit: only text near the cap is measured exactly.
  if (text.length * 3 <= MAX_CONFIG_FILE_BYTES) return undefined;
  return configFileTooLarge(fileName, Buffer.byteLength(text, 'utf8'));
}

// One decimal, rounded up: a file just over the limit never reads as the limit itself.
function megabytes(bytes: number): string {
  const shown = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return `${Number.isInteger(shown) ? shown.toFixed(0) : shown.toFixed(1)} MB`;
}
