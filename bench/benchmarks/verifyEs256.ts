// Verify ES256: padded ALB x-amzn-oidc-data blobs with warm keys, ours (loopback key URL, inline PEM, verify
// alone) against crypto.verify (the floor), jose and aws-jwt-verify, interleaved.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { AlbJwtVerifier } from 'aws-jwt-verify';
import { decodeToken } from '../../src/core/decode.ts';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import type { VerifyOptions } from '../../src/core/types.ts';
import { verifyDecoded } from '../../src/core/verify/verifyToken.ts';
import { ALB_ARN, CLIENT_ID, ISSUER, publicPem } from '../../test/support/tokens.ts';
import type { Benchmark } from '../benchmark.ts';
import { assertValid, floorVerify, pick, split } from '../fixtures.ts';
import { fmt } from '../report.ts';
import { interleave } from '../stats.ts';
import type { ContenderResult } from '../stats.ts';

export const verifyEs256: Benchmark = {
  id: 'verify-es256',
  group: 'verify',
  resultIds: ['verify-es256-ratio', 'aws-jwt-verify-es256-ratio'],
  run: async ({ quick, report, fixtures }) => {
    const f = await fixtures();
    const rounds = quick ? 11 : 81;
    const prepared = f.albTokens.map(split);
    const key = f.ec.publicKey;
    const options: VerifyOptions = {
      now: f.now,
      issuer: ISSUER,
      clientId: CLIENT_ID,
      albArn: ALB_ARN,
      keySource: { type: 'alb', baseUrl: f.albBase },
    };
    const deps = { keys: f.store };
    const inline: VerifyOptions = {
      ...options,
      keySource: { type: 'pem', pem: publicPem(f.ec), label: 'inline PEM' },
    };
    await assertValid('ES256 loopback ALB key', inspectToken(pick(f.albTokens, 0), options, deps));
    await assertValid('ES256 inline PEM', inspectToken(pick(f.albTokens, 0), inline, deps));
    const joseLocal = createLocalJWKSet({ keys: [f.ec.jwk] });
    const joseOptions = { issuer: ISSUER, algorithms: ['ES256'] };
    await jwtVerify(pick(f.albTokens, 0), joseLocal, joseOptions);
    const aws = AlbJwtVerifier.create({ albArn: ALB_ARN, issuer: ISSUER, clientId: CLIENT_ID });
    aws.cacheJwks({ keys: [f.ec.jwk as never] });
    aws.verifySync(pick(f.albTokens, 0));

    const rows = await interleave(
      [
        {
          name: 'floor: crypto.verify, cached KeyObject',
          async: false,
          run: (i) => floorVerify(pick(prepared, i), key, true),
        },
        {
          name: 'ours: inspectToken, warm loopback ALB key',
          async: true,
          run: (i) => inspectToken(pick(f.albTokens, i), options, deps),
        },
        {
          name: 'ours: inspectToken, inline PEM',
          async: true,
          run: (i) => inspectToken(pick(f.albTokens, i), inline, deps),
        },
        {
          name: 'ours: decodeToken + verifyDecoded (verify only)',
          async: true,
          run: (i) => verifyDecoded(decodeToken(pick(f.albTokens, i)), options, deps),
        },
        {
          name: 'jose jwtVerify + createLocalJWKSet',
          async: true,
          run: (i) => jwtVerify(pick(f.albTokens, i), joseLocal, joseOptions),
        },
        {
          name: 'aws-jwt-verify AlbJwtVerifier.verify (cacheJwks)',
          async: true,
          run: (i) => aws.verify(pick(f.albTokens, i)),
        },
        {
          name: 'aws-jwt-verify AlbJwtVerifier.verifySync (cacheJwks)',
          async: false,
          run: (i) => aws.verifySync(pick(f.albTokens, i)),
        },
      ],
      { rounds, batch: 25, warmup: 200 },
    );
    report.contenderTable('Verify ES256 (padded ALB x-amzn-oidc-data, warm keys)', rows);
    const ours = rows[1] as ContenderResult;
    // aws-jwt-verify's faster path (verify or verifySync) in this run: ours must be ahead of it as well.
    const awsRows = [rows[5] as ContenderResult, rows[6] as ContenderResult];
    const awsBest = awsRows.reduce((best, row) => (row.ratio < best.ratio ? row : best));
    report.result(
      'verify-es256-ratio',
      ours.ratio,
      'x floor',
      1.3,
      `${fmt(ours.medianUs)} µs/op vs floor ${fmt((rows[0] as ContenderResult).medianUs)} µs/op; ` +
        `${ours.ratio < awsBest.ratio ? 'ahead of' : 'behind'} aws-jwt-verify (${fmt(awsBest.ratio, 2)}x); target: <= 1.3 and ahead`,
      ours.ratio < awsBest.ratio,
    );
    report.reference(
      'aws-jwt-verify-es256-ratio',
      awsBest.ratio,
      'x floor',
      `${awsBest.name.replace(/^aws-jwt-verify /, '')}, same rounds as verify-es256-ratio`,
    );
  },
};
