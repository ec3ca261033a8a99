// HAR files keep their structure: a streaming walk over the JSON finds each `log.entries[i]` object by byte
// range (without parsing the whole file), parses only that entry (capped), and reports its request method, URL,
// headers and recorded response status, plus the byte range of its `request` object. The token finder runs over
// the same bytes; occurrences are attached to entries by offset afterwards (both lists are in file order).

/** An entry larger than this keeps its place but not its request details. */
export const MAX_HAR_ENTRY_BYTES = 8 * 1024 * 1024;
/** Entries whose details are kept per file. */
export const MAX_HAR_ENTRIES = 200_000;
const MAX_HEADERS = 200;
const MAX_HEADER_VALUE = 64 * 1024;
const MAX_URL = 8 * 1024;
/** Containers nested deeper than this are counted, not kept (only the first few levels locate entries). */
const MAX_TRACKED_DEPTH = 64;

export interface HarHeader {
  name: string;
  value: string;
}

/** One HAR entry: where it is, and what was recorded. */
export interface HarEntry {
  index: number;
  start: number;
  end: number;
  /** The `request` object's byte range (a token there was sent; elsewhere it was received or stored). */
  requestStart: number;
  requestEnd: number;
  method: string | undefined;
  url: string | undefined;
  status: number | undefined;
  headers: HarHeader[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

interface Container {
  object: boolean;
  key: string | undefined;
  expectKey: boolean;
}

/** Does the start of a file look like a HAR (`{` then a `"log"` key)? */
export function looksLikeHar(name: string, head: Buffer): boolean {
  if (name.toLowerCase().endsWith('.har') || name.toLowerCase().endsWith('.har.gz')) return true;
  const text = head.toString('latin1', 0, Math.min(head.length, 512));
  const trimmed = text.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  return trimmed.startsWith('{') && /^\{\s*"log"\s*:/.test(trimmed);
}

/**
 * The streaming walk. `feed` takes consecutive chunks; strings are skipped with native searches for the next
 * quote and backslash (each position found once), so the work is linear however long the strings are.
 */
export class HarEntryTracker {
  readonly entries: HarEntry[] = [];
  dropped = 0;
  readonly #stack: Container[] = [];
  /** Open containers below MAX_TRACKED_DEPTH: a file of `[[[[...` keeps a counter, not an object per byte. */
  #untrackedDepth = 0;
  #inString = false;
  #escape = false;
  #stringIsKey = false;
  #keyParts: string[] = [];
  #keyLength = 0;
  #entryStart = -1;
  #entryParts: Buffer[] = [];
  #entryBytes = 0;
  #entryTooLarge = false;
  #requestStart = -1;
  #requestEnd = -1;
  #index = 0;
  #offset = 0;

  feed(chunk: Buffer): void {
    const base = this.#offset;
    let entryFrom = this.#entryStart >= 0 ? 0 : -1;
    let i = 0;
    let nextQuote = -2;
    let nextBackslash = -2;
    const length = chunk.length;
    while (i < length) {
      if (this.#inString) {
        if (this.#escape) {
          this.#escape = false;
          i++;
          continue;
        }
        if (nextQuote !== -1 && nextQuote < i) nextQuote = chunk.indexOf(QUOTE, i);
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        const stop =
          nextBackslash !== -1 && (nextQuote === -1 || nextBackslash < nextQuote) ? nextBackslash : nextQuote;
        if (stop === -1) {
          if (this.#stringIsKey) this.#keyPart(chunk, i, length);
          i = length;
          break;
        }
        if (this.#stringIsKey) this.#keyPart(chunk, i, stop);
        if (stop === nextBackslash) {
          this.#escape = true;
          i = stop + 1;
          continue;
        }
        this.#inString = false;
        if (this.#stringIsKey) this.#endKey();
        i = stop + 1;
        continue;
      }
      const byte = chunk[i] as number;
      if (byte === QUOTE) {
        const top = this.#stack[this.#stack.length - 1];
        this.#inString = true;
        this.#stringIsKey = this.#untrackedDepth === 0 && top !== undefined && top.object && top.expectKey;
        this.#keyParts = [];
        this.#keyLength = 0;
      } else if (byte === 0x7b /* { */ || byte === 0x5b /* [ */) {
        const object = byte === 0x7b;
        const depth = this.#stack.length;
        if (depth >= MAX_TRACKED_DEPTH) {
          this.#untrackedDepth++;
          i++;
          continue;
        }
        if (object && depth === 3 && this.#inEntries()) {
          this.#entryStart = base + i;
          entryFrom = i;
          this.#entryParts = [];
          this.#entryBytes = 0;
          this.#entryTooLarge = false;
          this.#requestStart = -1;
          this.#requestEnd = -1;
        }
        if (object && depth === 4 && this.#entryStart >= 0 && this.#stack[3]?.key === 'request')
          this.#requestStart = base + i;
        this.#stack.push({ object, key: undefined, expectKey: object });
      } else if (this.#untrackedDepth > 0) {
        if (byte === 0x7d /* } */ || byte === 0x5d /* ] */) this.#untrackedDepth--;
      } else if (byte === 0x7d /* } */ || byte === 0x5d /* ] */) {
        this.#stack.pop();
        const depth = this.#stack.length;
        if (depth === 4 && this.#entryStart >= 0 && this.#requestStart >= 0 && this.#requestEnd < 0)
          this.#requestEnd = base + i + 1;
        if (depth === 3 && this.#entryStart >= 0 && entryFrom >= 0) {
          this.#entryPart(chunk.subarray(entryFrom, i + 1));
          this.#endEntry(base + i + 1);
          entryFrom = -1;
        }
      } else if (byte === 0x3a /* : */) {
        const top = this.#stack[this.#stack.length - 1];
        if (top) top.expectKey = false;
      } else if (byte === 0x2c /* , */) {
        const top = this.#stack[this.#stack.length - 1];
        if (top?.object) {
          top.expectKey = true;
          top.key = undefined;
        }
      }
      i++;
    }
    if (this.#entryStart >= 0 && entryFrom >= 0) this.#entryPart(chunk.subarray(entryFrom));
    this.#offset += length;
  }

  /** Inside root object -> "log" object -> "entries" array. */
  #inEntries(): boolean {
    const [root, log, entries] = this.#stack;
    return (
      root !== undefined &&
      root.object &&
      root.key === 'log' &&
      log !== undefined &&
      log.object &&
      log.key === 'entries' &&
      entries !== undefined &&
      !entries.object
    );
  }

  #keyPart(chunk: Buffer, from: number, to: number): void {
    if (this.#keyLength > 64) return;
    this.#keyParts.push(chunk.toString('latin1', from, Math.min(to, from + 65)));
    this.#keyLength += to - from;
  }

  #endKey(): void {
    const top = this.#stack[this.#stack.length - 1];
    if (top) top.key = this.#keyLength > 64 ? '' : this.#keyParts.join('');
  }

  #entryPart(part: Buffer): void {
    if (this.#entryTooLarge) return;
    this.#entryBytes += part.length;
    if (this.#entryBytes > MAX_HAR_ENTRY_BYTES) {
      this.#entryTooLarge = true;
      this.#entryParts = [];
      return;
    }
    // Copied: the chunk's memory may be reused by its reader.
    this.#entryParts.push(Buffer.from(part));
  }

  #endEntry(end: number): void {
    const entry: HarEntry = {
      index: this.#index++,
      start: this.#entryStart,
      end,
      requestStart: this.#requestStart,
      requestEnd: this.#requestEnd,
      method: undefined,
      url: undefined,
      status: undefined,
      headers: [],
    };
    if (!this.#entryTooLarge) readEntry(Buffer.concat(this.#entryParts).toString('utf8'), entry);
    this.#entryParts = [];
    this.#entryStart = -1;
    if (this.entries.length < MAX_HAR_ENTRIES) this.entries.push(entry);
    else this.dropped++;
  }
}

function readEntry(text: string, entry: HarEntry): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return;
  }
  const record = asRecord(value);
  const request = asRecord(record?.['request']);
  const response = asRecord(record?.['response']);
  const method = request?.['method'];
  if (typeof method === 'string') entry.method = method.slice(0, 16).toUpperCase();
  const url = request?.['url'];
  if (typeof url === 'string') entry.url = url.slice(0, MAX_URL);
  const status = response?.['status'];
  if (typeof status === 'number' && Number.isInteger(status)) entry.status = status;
  const headers = request?.['headers'];
  if (Array.isArray(headers)) {
    for (const header of headers.slice(0, MAX_HEADERS)) {
      const item = asRecord(header);
      const name = item?.['name'];
      const headerValue = item?.['value'];
      if (typeof name === 'string' && typeof headerValue === 'string')
        entry.headers.push({ name: name.slice(0, 256), value: headerValue.slice(0, MAX_HEADER_VALUE) });
    }
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The entry holding `offset` (entries sorted by start, not overlapping), by binary search. */
export function entryAt(entries: readonly HarEntry[], offset: number): HarEntry | undefined {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const entry = entries[middle] as HarEntry;
    if (offset < entry.start) high = middle - 1;
    else if (offset >= entry.end) low = middle + 1;
    else return entry;
  }
  return undefined;
}
