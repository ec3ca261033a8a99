// Contract C5: the one finder of token candidates in bytes or text, and the per-distinct-token scan report.
// Used by `authdbg scan` (src/cli/scanCommand.ts), the editor diagnostics and the Scan Workspace tree view.
//
// finder.ts   findTokensInText(text) -> TextToken[] {start, end, token, shape}: UTF-16 offsets (editor use).
//             findCandidates(bytes, from, final, onCandidate, known?, startLimit?) -> resume index: the linear
//             byte finder (Buffer.indexOf for `eyJ`, byte-class scan, header must decode to JSON with `alg`);
//             MAX_CANDIDATE_BYTES (per-candidate cap), signatureKey (the dedupe index key).
// scanner.ts  TokenTable (dedupe by token bytes before any decode; entries: bytes, shape, count, first, last),
//             FileScan (one file's offsets and lines; scanChunk per buffer), scanChunks(asyncChunks, scan)
//             (streamed, a token split across chunks is still found), CHUNK_BYTES, MAX_DISTINCT_TOKENS.
// ranges.ts   RangeScanner / RangeTask / RangeResult / RangeToken / RangeMerger / planRanges: a file as byte
//             ranges (worker threads or in-process), merged in file order with exact lines.
// har.ts      HarEntryTracker (streaming HAR entry splitter), HarEntry, entryAt, looksLikeHar.
// ignore.ts   parseIgnore / isIgnored: .gitignore-style excludes.
// sources.ts  listScanInputs(paths, {exclude, maxFileBytes}), scanInputs(inputs, {table, workers,
//             workerScript, stdin, onProgress}) -> ScanTotals; .gz streamed through node:zlib.
// report.ts   TokenVerifier (verifies each distinct token once, as the scan finds it), buildScanReport,
//             ScanReport / ScanTokenRow / ScanRequest, scanReportJson (the --json shape), scanReportSarif,
//             rowMatches (--fail-on); the token fingerprint is core/redact.ts tokenHash.
// scanWorker.ts  the worker-thread entry (bundled as dist/scanWorker.js).
export { MAX_CANDIDATE_BYTES, findCandidates, findTokensInText, signatureKey } from './finder.ts';
export type { ByteCandidate, CandidateShape, KnownTokens, TextToken } from './finder.ts';
export { CHUNK_BYTES, FileScan, MAX_DISTINCT_TOKENS, TokenTable, scanChunks } from './scanner.ts';
export type { OccurrenceListener, Place, TokenEntry } from './scanner.ts';
// Runtime exports stop here on purpose: the editor imports this file, and the modules below pull in node:fs,
// worker_threads and the simulator. Import them from their own files; their types are re-exported.
export type { RangeResult, RangeTask, RangeToken, ScannerIds } from './ranges.ts';
export type { HarEntry, HarHeader } from './har.ts';
export type { HarOccurrence, ScanInput, ScanProgress, ScanRunOptions, ScanTotals } from './sources.ts';
export type { FailOn, ScanPlace, ScanReport, ScanRequest, ScanTokenRow, ScanVerdict } from './report.ts';
