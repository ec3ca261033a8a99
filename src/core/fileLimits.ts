// Size caps for files every surface reads (the CLI's --config and key options, the editor's configuration scan).

/**
 * authdebug.* and SAM/CloudFormation/OpenAPI files larger than this are not read. CloudFormation itself accepts at
 * most 1 MB for a template body read from S3 and 51,200 bytes inline (AWS CloudFormation quotas), so no deployable
 * template is larger; the YAML parser reads about 0.5 MB/s, so this also bounds a parse to about 2 s.
 */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/**
 * --jwks-file, --pem-file and --secret-file larger than this are not read: the same cap as a fetched key set
 * (DEFAULT_MAX_BYTES in keys/httpGet.ts). A real JWKS, PEM key or HMAC secret is a few KiB at most.
 */
export const MAX_KEY_FILE_BYTES = 256 * 1024;

/**
 * "config.yaml is 3.2 MB; the limit is 1 MB" when a file is over the cap, otherwise undefined. `atLeast` when only
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

/**
 * "--pem-file key.pem is 300 KiB; the limit for a key or secret file is 256 KiB" when a key file is over the cap,
 * otherwise undefined; `atLeast` as for configFileTooLarge.
 */
export function keyFileTooLarge(
  option: string,
  fileName: string,
  bytes: number,
  atLeast = false,
): string | undefined {
  if (bytes <= MAX_KEY_FILE_BYTES) return undefined;
  const limit = kibibytes(MAX_KEY_FILE_BYTES);
  return `${option} ${fileName} is ${atLeast ? `over ${limit}` : kibibytes(bytes)}; the limit for a key or secret file is ${limit}`;
}

// One decimal, rounded up: a file just over the limit never reads as the limit itself.
function megabytes(bytes: number): string {
  const shown = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return `${Number.isInteger(shown) ? shown.toFixed(0) : shown.toFixed(1)} MB`;
}

// Whole KiB rounded up, for the same reason.
function kibibytes(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KiB`;
}
