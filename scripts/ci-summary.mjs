// Adds up what every test runner in an `npm test` log reported, as one plain "N passed, N failed" line.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2] ?? '/dev/stdin', 'utf8');
let passed = 0;
let failed = 0;
let skipped = 0;
const sum = (pattern, add) => {
  for (const match of log.matchAll(pattern)) add(Number(match[1]));
};
// Node's test runner (spec reporter closing lines).
sum(/^ℹ pass (\d+)$/gm, (n) => (passed += n));
sum(/^ℹ fail (\d+)$/gm, (n) => (failed += n));
sum(/^ℹ skipped (\d+)$/gm, (n) => (skipped += n));
// Mocha inside the extension host.
sum(/^\s*(\d+) passing\b/gm, (n) => (passed += n));
sum(/^\s*(\d+) failing\b/gm, (n) => (failed += n));
sum(/^\s*(\d+) pending\b/gm, (n) => (skipped += n));
// The UI suite.
sum(/^\[test:ui\] (\d+) passed, \d+ failed/gm, (n) => (passed += n));
sum(/^\[test:ui\] \d+ passed, (\d+) failed/gm, (n) => (failed += n));
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
