// Verify RS256: a Cognito ID token with warm keys, ours (three key sources, and verify alone) against
// crypto.verify (the floor), jose and aws-jwt-verify, interleaved.
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { decodeToken } from '../../src/core/decode.ts';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import type { VerifyOptions } from '../../src/core/types.ts';
import { verifyDecoded } from '../../src/core/verify/verifyToken.ts';
import { CLIENT_ID, ISSUER, POOL_ID } from '../../test/support/tokens.ts';
import type { Benchmark } from '../benchmark.ts';
import { assertValid, floorVerify, pick, split } from '../fixtures.ts';
import { fmt } from '../report.ts';
import { interleave } from '../stats.ts';
import type { ContenderResult } from '../stats.ts';

export const verifyRs256: Benchmark = {
  id: 'verify-rs256',
  group: 'verify',
  resultIds: ['verify-rs256-ratio', 'aws-jwt-verify-rs256-ratio'],
  run: async ({ quick, report, fixtures }) => {
    const f = await fixtures();
    const rounds = quick ? 11 : 81;
    const prepared = f.idTokens.map(split);
    const key = f.rsa.publicKey;
    const options: VerifyOptions = {
      now: f.now,
      issuer: ISSUER,
      audience: [CLIENT_ID],
      tokenUse: 'id',
      keySource: { type: 'jwks-url', url: f.jwksUrl },
    };
    const derived: VerifyOptions = { now: f.now, issuer: ISSUER, audience: [CLIENT_ID], tokenUse: 'id' };
    const deps = { keys: f.store };
    const cognitoDeps = { keys: f.cognitoStore };
    const inline: VerifyOptions = {
      ...options,
      keySource: { type: 'jwks', jwks: { keys: [f.rsa.jwk] }, label: 'inline JWKS' },
    };
    await assertValid('RS256 loopback JWKS', inspectToken(pick(f.idTokens, 0), options, deps));
    await assertValid('RS256 derived Cognito URL', inspectToken(pick(f.idTokens, 0), derived, cognitoDeps));
    await assertValid('RS256 inline JWKS', inspectToken(pick(f.idTokens, 0), inline, deps));
    const joseLocal = createLocalJWKSet({ keys: [f.rsa.jwk] });
    const joseRemote = createRemoteJWKSet(new URL(f.jwksUrl));
    const joseOptions = { issuer: ISSUER, audience: CLIENT_ID, algorithms: ['RS256'] };
    await jwtVerify(pick(f.idTokens, 0), joseRemote, joseOptions);
    const aws = CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: 'id', clientId: CLIENT_ID });
    aws.cacheJwks({ keys: [f.rsa.jwk as never] });
    aws.verifySync(pick(f.idTokens, 0));

    const rows = await interleave(
      [
        {
          name: 'floor: crypto.verify, cached KeyObject',
          async: false,
          run: (i) => floorVerify(pick(prepared, i), key, false),
        },
        {
          name: 'ours: inspectToken, warm loopback JWKS',
          async: true,
          run: (i) => inspectToken(pick(f.idTokens, i), options, deps),
        },
        {
          name: 'ours: inspectToken, warm derived Cognito URL',
          async: true,
          run: (i) => inspectToken(pick(f.idTokens, i), derived, cognitoDeps),
        },
        {
          name: 'ours: inspectToken, inline JWKS',
          async: true,
          run: (i) => inspectToken(pick(f.idTokens, i), inline, deps),
        },
        {
          name: 'ours: decodeToken + verifyDecoded (verify only)',
          async: true,
          run: (i) => verifyDecoded(decodeToken(pick(f.idTokens, i)), options, deps),
        },
        {
          name: 'jose jwtVerify + createLocalJWKSet',
          async: true,
          run: (i) => jwtVerify(pick(f.idTokens, i), joseLocal, joseOptions),
        },
        {
          name: 'jose jwtVerify + warm createRemoteJWKSet',
          async: true,
          run: (i) => jwtVerify(pick(f.idTokens, i), joseRemote, joseOptions),
        },
        {
          name: 'aws-jwt-verify CognitoJwtVerifier.verify (cacheJwks)',
          async: true,
          run: (i) => aws.verify(pick(f.idTokens, i)),
        },
        {
          name: 'aws-jwt-verify CognitoJwtVerifier.verifySync (cacheJwks)',
          async: false,
          run: (i) => aws.verifySync(pick(f.idTokens, i)),
        },
      ],
      { rounds, batch: 50, warmup: 300 },
    );
    report.contenderTable('Verify RS256 (Cognito ID token, warm keys)', rows);
    const ours = rows[1] as ContenderResult;
    // aws-jwt-verify's faster path (verify or verifySync) in this run: ours must be ahead of it as well.
    const awsRows = [rows[7] as ContenderResult, rows[8] as ContenderResult];
    const awsBest = awsRows.reduce((best, row) => (row.ratio < best.ratio ? row : best));
    report.result(
      'verify-rs256-ratio',
      ours.ratio,
      'x floor',
      1.3,
      `${fmt(ours.medianUs)} µs/op vs floor ${fmt((rows[0] as ContenderResult).medianUs)} µs/op; ` +
        `${ours.ratio < awsBest.ratio ? 'ahead of' : 'behind'} aws-jwt-verify (${fmt(awsBest.ratio, 2)}x); target: <= 1.3 and ahead`,
      ours.ratio < awsBest.ratio,
    );
    report.reference(
      'aws-jwt-verify-rs256-ratio',
      awsBest.ratio,
      'x floor',
      `${awsBest.name.replace(/^aws-jwt-verify /, '')}, same rounds as verify-rs256-ratio`,
    );
  },
};
