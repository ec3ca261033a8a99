// Decode a Cognito access token without crypto: ours (decodeReport with every lint, the same plus its claims
// table, decodeToken alone) against base64url + JSON.parse (the floor) and jose's decodeJwt, interleaved.
import { decodeJwt } from 'jose';
import { decodeToken } from '../../src/core/decode.ts';
import { decodeReport } from '../../src/core/verify/inspect.ts';
import type { Benchmark } from '../benchmark.ts';
import { fmt } from '../report.ts';
import { interleave } from '../stats.ts';
import type { ContenderResult } from '../stats.ts';

export const decode: Benchmark = {
  id: 'decode',
  group: 'decode',
  resultIds: ['decode-ratio'],
  run: async ({ quick, report, fixtures }) => {
    const f = await fixtures();
    const tokens = f.accessTokens;
    const pick = (i: number): string => tokens[i % tokens.length] as string;
    const bare = (token: string): unknown => {
      const first = token.indexOf('.');
      const second = token.indexOf('.', first + 1);
      const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8')) as unknown;
      const payload = JSON.parse(
        Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'),
      ) as unknown;
      return header && payload;
    };
    const sample = decodeReport(pick(0), f.now);
    if (sample.kind !== 'cognito-access')
      throw new Error(`decode: expected a Cognito access token, got ${sample.kind}`);
    const rows = await interleave(
      [
        {
          name: 'floor: base64url + JSON.parse of header and payload',
          async: false,
          run: (i) => bare(pick(i)),
        },
        {
          name: 'ours: decodeReport (decode, classify, all lints)',
          async: false,
          run: (i) => decodeReport(pick(i), f.now),
        },
        {
          name: 'ours: decodeReport + its claims table (meanings, ISO and relative times: what a panel shows)',
          async: false,
          run: (i) => decodeReport(pick(i), f.now).claims,
        },
        {
          name: 'ours: decodeToken only (strict decode + classify)',
          async: false,
          run: (i) => decodeToken(pick(i)),
        },
        { name: 'jose decodeJwt', async: false, note: 'payload only', run: (i) => decodeJwt(pick(i)) },
      ],
      { rounds: quick ? 11 : 81, batch: 500, warmup: 3000 },
    );
    report.contenderTable(`Decode a Cognito access token (${pick(0).length} chars), no crypto`, rows);
    const ours = rows[1] as ContenderResult;
    report.result(
      'decode-ratio',
      ours.ratio,
      'x floor',
      2,
      `${fmt(ours.medianUs, 2)} µs/op vs floor ${fmt((rows[0] as ContenderResult).medianUs, 2)} µs/op`,
    );
  },
};
