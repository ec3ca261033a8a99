import { decodeReport } from '../src/core/inspect.ts';
import { decodeToken } from '../src/core/decode.ts';
import { lintToken } from '../src/core/lints.ts';
import { parseJsonObject } from '../src/core/jsonText.ts';
import { isoTime, timeInfo } from '../src/core/timeFormat.ts';
import { redactToken } from '../src/core/redact.ts';
import { decodeSegmentText } from '../src/core/base64url.ts';
import { rsaKey, signToken, accessClaims } from '../test/support/tokens.ts';
const k = rsaKey();
const now = Math.floor(Date.now() / 1000);
const t = signToken({ kid: k.kid, alg: 'RS256' }, accessClaims({ iat: now, exp: now + 3600, auth_time: now }), k.privateKey);
const seg = t.split('.')[1]!;
const raw = Buffer.from(seg, 'base64url').toString();
const d = decodeToken(t);
const COMPACT_JWS = /^[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]*={0,2}$/;
let sink = 0;
function bench(name: string, fn: () => unknown, n = 200000) {
  for (let i = 0; i < 20000; i++) fn();
  const res: number[] = [];
  for (let r = 0; r < 7; r++) { const t0 = performance.now(); for (let i = 0; i < n / 7; i++) if (fn()) sink++; res.push((performance.now() - t0) * 1000 / (n / 7)); }
  res.sort((a, b) => a - b);
  console.log(name.padEnd(40), res[3]!.toFixed(3), 'µs');
}
bench('bare header+payload', () => { const a = t.indexOf('.'), b = t.indexOf('.', a + 1); return JSON.parse(Buffer.from(t.slice(0, a), 'base64url').toString()) && JSON.parse(Buffer.from(t.slice(a + 1, b), 'base64url').toString()); });
bench('decodeReport', () => decodeReport(t, now));
bench('decodeToken', () => decodeToken(t));
bench('lintToken', () => lintToken(d, now));
bench('COMPACT_JWS regex', () => COMPACT_JWS.test(t));
bench('split', () => t.split('.'));
bench('trim', () => t.trim());
bench('decodeSegmentText payload', () => decodeSegmentText(seg));
bench('Buffer.from+toString payload', () => Buffer.from(seg, 'base64url').toString());
bench('JSON.parse payload', () => JSON.parse(raw));
bench('parseJsonObject payload', () => parseJsonObject(raw));
bench('isoTime', () => isoTime(now + 5));
bench('timeInfo', () => timeInfo(now + 5, now));
bench('redactToken', () => redactToken(t));
bench('decodeSegment signature', () => Buffer.from(t.slice(t.lastIndexOf('.') + 1), 'base64url'));
console.log(sink > 0);
