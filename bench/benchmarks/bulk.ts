// Bulk: every token of a generated 10,000-entry HAR through inspectToken with warm keys, against split +
// base64url + crypto.verify per token (the floor); whole passes alternated.
import { verify as cryptoVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import type { VerifyOptions } from '../../src/core/types.ts';
import { CLIENT_ID, ISSUER, accessClaims, idClaims, signToken } from '../../test/support/tokens.ts';
import type { Benchmark } from '../benchmark.ts';
import { fmt } from '../report.ts';
import { median, medianRatio } from '../stats.ts';

function harFile(tokens: string[], entries: number): string {
  const list = [];
  for (let i = 0; i < entries; i++) {
    list.push({
      startedDateTime: new Date(Date.UTC(2025, 0, 1) + i * 250).toISOString(),
      time: 42,
      request: {
        method: 'GET',
        url: `https://api.example.com/prod/orders/${i}`,
        httpVersion: 'HTTP/1.1',
        headers: [
          { name: 'Accept', value: 'application/json' },
          { name: 'Authorization', value: `Bearer ${tokens[i % tokens.length] as string}` },
          { name: 'User-Agent', value: 'bench/1.0' },
        ],
        queryString: [],
        cookies: [],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: 200,
        statusText: 'OK',
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'Content-Type', value: 'application/json' }],
        cookies: [],
        content: { size: 2, mimeType: 'application/json', text: '{}' },
        redirectURL: '',
        headersSize: -1,
        bodySize: 2,
      },
      cache: {},
      timings: { send: 1, wait: 40, receive: 1 },
    });
  }
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'bench', version: '1' }, entries: list } });
}

function harTokens(text: string): string[] {
  const har = JSON.parse(text) as {
    log: { entries: { request: { headers: { name: string; value: string }[] } }[] };
  };
  const out: string[] = [];
  for (const entry of har.log.entries) {
    for (const header of entry.request.headers) {
      if (header.name.toLowerCase() === 'authorization' && /^bearer\s/i.test(header.value))
        out.push(header.value.slice(7).trim());
    }
  }
  return out;
}

export const bulk: Benchmark = {
  id: 'bulk',
  group: 'bulk',
  resultIds: ['bulk-ratio'],
  run: async ({ quick, report, dir, fixtures }) => {
    const f = await fixtures();
    // 200 distinct tokens (signing 10,000 RSA tokens would dominate the run); nothing in the core caches per token.
    const distinct: string[] = [];
    const times = { iat: f.now - 60, auth_time: f.now - 60, exp: f.now + 3600 };
    for (let i = 0; i < 100; i++) {
      distinct.push(
        signToken(
          { kid: f.rsa.kid, alg: 'RS256' },
          idClaims({ ...times, jti: `bulk-id-${i}` }),
          f.rsa.privateKey,
        ),
      );
      distinct.push(
        signToken(
          { kid: f.rsa.kid, alg: 'RS256' },
          accessClaims({ ...times, jti: `bulk-ac-${i}` }),
          f.rsa.privateKey,
        ),
      );
    }
    const path = join(dir, 'session.har');
    writeFileSync(path, harFile(distinct, 10_000));
    const text = readFileSync(path, 'utf8');
    const tExtract = performance.now();
    const tokens = harTokens(text);
    const extractMs = performance.now() - tExtract;
    const options: VerifyOptions = {
      now: f.now,
      issuer: ISSUER,
      audience: [CLIENT_ID],
      keySource: { type: 'jwks-url', url: f.jwksUrl },
    };
    const deps = { keys: f.store };
    const key = f.rsa.publicKey;
    const ours = async (): Promise<number> => {
      let valid = 0;
      for (const token of tokens) if ((await inspectToken(token, options, deps)).valid) valid++;
      return valid;
    };
    const floor = (): number => {
      let valid = 0;
      for (const token of tokens) {
        const dot = token.lastIndexOf('.');
        if (
          cryptoVerify(
            'sha256',
            Buffer.from(token.slice(0, dot), 'latin1'),
            key,
            Buffer.from(token.slice(dot + 1), 'base64url'),
          )
        )
          valid++;
      }
      return valid;
    };
    if ((await ours()) !== tokens.length || floor() !== tokens.length)
      throw new Error('bulk: not every HAR token verified');
    const rounds = quick ? 3 : 7;
    const oursMs: number[] = [];
    const floorMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor'];
      for (const which of order) {
        const t = performance.now();
        if (which === 'ours') await ours();
        else floor();
        (which === 'ours' ? oursMs : floorMs).push(performance.now() - t);
      }
    }
    const ratio = medianRatio(oursMs, floorMs);
    const perSecond = (ms: number): number => (tokens.length / ms) * 1000;
    report.detail(
      [
        `### Bulk: every token of a ${tokens.length.toLocaleString('en-US')}-entry HAR (${fmt(text.length / 2 ** 20, 1)} MiB), warm keys`,
        '',
        '| contender | median ms per pass | tokens/s | ratio to floor |',
        '| --- | ---: | ---: | ---: |',
        `| floor: split + base64url signature + crypto.verify | ${fmt(median(floorMs))} | ${Math.round(perSecond(median(floorMs))).toLocaleString('en-US')} | 1.00x |`,
        `| ours: inspectToken per token (sequential, warm loopback JWKS) | ${fmt(median(oursMs))} | ${Math.round(perSecond(median(oursMs))).toLocaleString('en-US')} | ${fmt(ratio, 2)}x |`,
        '',
        `${rounds} passes each, alternated; extracting the tokens (JSON.parse of the HAR + header scan) took ${fmt(extractMs)} ms once and is outside both loops.`,
      ].join('\n'),
    );
    report.result(
      'bulk-ratio',
      ratio,
      'x floor',
      1.3,
      `${Math.round(perSecond(median(oursMs))).toLocaleString('en-US')} tokens/s (floor ${Math.round(perSecond(median(floorMs))).toLocaleString('en-US')})`,
    );
  },
};
