// One owner for AWS identifiers: every Cognito issuer format, partitions, pool ids, ALB ARNs and key URLs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  albKeyBaseUrl,
  cognitoJwksUrl,
  isAlbArn,
  isAwsRegion,
  isCognitoIssuer,
  isIssuerOfPool,
  isUserPoolId,
  looksLikeAlbSigner,
  parseAlbArn,
  parseCognitoIssuer,
  parseUserPoolId,
  regionFromAlbArn,
  regionOfPoolOrIssuer,
  regionPartition,
  userPoolIssuer,
} from '../../src/core/awsIdentifiers.ts';
import * as albModule from '../../src/core/keys/alb.ts';
import * as keyStoreModule from '../../src/core/keys/keyStore.ts';
import * as keyUrlsModule from '../../src/core/keys/keyUrls.ts';

const POOL = 'us-east-1_AbC123xyz';
const ORIGINAL = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const UPDATED = `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`;

interface IssuerCase {
  iss: string;
  /** Expected format, or undefined when the string must not be recognised as a Cognito issuer. */
  format?: 'original' | 'updated';
  region?: string;
  replica?: boolean;
}

const ISSUERS: IssuerCase[] = [
  { iss: ORIGINAL, format: 'original', region: 'us-east-1', replica: false },
  { iss: UPDATED, format: 'updated', region: 'us-east-1', replica: false },
  // Multi-Region replication: the original format names the replica's region.
  {
    iss: `https://cognito-idp.us-west-2.amazonaws.com/${POOL}`,
    format: 'original',
    region: 'us-west-2',
    replica: true,
  },
  // The updated format always names the pool's primary region.
  { iss: `https://issuer-cognito-idp.us-west-2.amazonaws.com/${POOL}` },
  {
    iss: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Xy12',
    format: 'original',
    region: 'cn-north-1',
    replica: false,
  },
  {
    iss: 'https://issuer-cognito-idp.cn-northwest-1.amazonaws.com.cn/cn-northwest-1_Xy12',
    format: 'updated',
    region: 'cn-northwest-1',
    replica: false,
  },
  // China without .cn, or commercial with .cn: the host does not exist.
  { iss: 'https://cognito-idp.cn-north-1.amazonaws.com/cn-north-1_Xy12' },
  { iss: `https://cognito-idp.us-east-1.amazonaws.com.cn/${POOL}` },
  {
    iss: 'https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_X1',
    format: 'original',
    region: 'us-gov-west-1',
    replica: false,
  },
  {
    iss: 'https://cognito-idp.us-gov-east-1.amazonaws.com/us-gov-west-1_X1',
    format: 'original',
    region: 'us-gov-east-1',
    replica: true,
  },
  // A replica never crosses a partition.
  { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-gov-west-1_X1' },
  { iss: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/us-east-1_X1' },
  { iss: `${ORIGINAL}/` },
  { iss: `${ORIGINAL}?x=1` },
  { iss: `${ORIGINAL}?x=#` },
  { iss: `${ORIGINAL}#frag` },
  { iss: `https://user:pass@cognito-idp.us-east-1.amazonaws.com/${POOL}` },
  { iss: `https://cognito-idp.us-east-1.amazonaws.com@evil.com/${POOL}` },
  { iss: `https://cognito-idp.us-east-1.amazonaws.com:443/${POOL}` },
  { iss: `https://cognito-idp.us-east-1.amazonaws.com.evil.com/${POOL}` },
  { iss: `https://evil.com/cognito-idp.us-east-1.amazonaws.com/${POOL}` },
  { iss: `https://xcognito-idp.us-east-1.amazonaws.com/${POOL}` },
  { iss: `https://COGNITO-IDP.us-east-1.amazonaws.com/${POOL}` },
  { iss: `https://cognito-idp.US-EAST-1.amazonaws.com/${POOL}` },
  { iss: `HTTPS://cognito-idp.us-east-1.amazonaws.com/${POOL}` },
  { iss: `http://cognito-idp.us-east-1.amazonaws.com/${POOL}` },
  { iss: `https://cognіto-idp.us-east-1.amazonaws.com/${POOL}` },
  { iss: 'https://cognito-idp.us-east-1.amazonaws.com/' },
  { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_' },
  { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_a/b' },
  { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_a-b' },
  { iss: 'https://cognito-idp.evil.com/us-east-1_abc' },
  { iss: `https://cognito-idp.${'a'.repeat(300)}.amazonaws.com/${POOL}` },
  { iss: `${ORIGINAL}${'0'.repeat(100)}` },
  { iss: 'https://auth.example.com' },
  { iss: '' },
];

void describe('Cognito issuers', () => {
  for (const c of ISSUERS) {
    void it(`${c.format ?? 'not Cognito'}: ${c.iss.slice(0, 90)}`, () => {
      const parsed = parseCognitoIssuer(c.iss);
      if (c.format === undefined) {
        assert.equal(parsed, undefined);
        assert.equal(isCognitoIssuer(c.iss), false);
        assert.equal(cognitoJwksUrl(c.iss), undefined);
        return;
      }
      assert.ok(parsed);
      assert.equal(parsed.format, c.format);
      assert.equal(parsed.region, c.region);
      assert.equal(parsed.replicaRegion, c.replica);
      assert.equal(parsed.issuer, c.iss);
      assert.equal(cognitoJwksUrl(c.iss), `${c.iss}/.well-known/jwks.json`);
      // Nothing in a derived URL but the issuer's exact host and path.
      const url = new URL(cognitoJwksUrl(c.iss) ?? '');
      assert.equal(url.search, '');
      assert.equal(url.hash, '');
      assert.equal(url.username + url.password, '');
      assert.equal(`${url.protocol}//${url.host}`, c.iss.slice(0, c.iss.indexOf('/', 8)));
    });
  }

  void it('has one import path: the key modules do not re-export AWS identifier helpers', () => {
    const owned = [
      'cognitoJwksUrl',
      'albKeyBaseUrl',
      'isAwsRegion',
      'regionFromAlbArn',
      'poolIssuerOrPlaceholder',
    ];
    for (const [name, module] of Object.entries({ albModule, keyStoreModule, keyUrlsModule })) {
      for (const helper of owned) assert.equal(Object.hasOwn(module, helper), false, `${name}.${helper}`);
    }
  });

  void it('non-strings are not issuers', () => {
    for (const value of [undefined, null, 42, ['x'], { iss: ORIGINAL }]) {
      assert.equal(parseCognitoIssuer(value), undefined);
      assert.equal(cognitoJwksUrl(value), undefined);
    }
  });

  void it('matches every issuer format of one pool, and no other pool', () => {
    assert.equal(isIssuerOfPool(ORIGINAL, POOL), true);
    assert.equal(isIssuerOfPool(UPDATED, POOL), true);
    assert.equal(isIssuerOfPool(`https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`, POOL), true);
    assert.equal(isIssuerOfPool(`https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other`, POOL), false);
    assert.equal(isIssuerOfPool(`${ORIGINAL}/`, POOL), false);
  });

  void it('builds a pool issuer in its partition', () => {
    assert.equal(userPoolIssuer(POOL), ORIGINAL);
    assert.equal(userPoolIssuer(POOL, 'updated'), UPDATED);
    assert.equal(
      userPoolIssuer('cn-north-1_Xy12'),
      'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Xy12',
    );
    assert.equal(userPoolIssuer('${Ref:UserPool}'), undefined);
    assert.equal(userPoolIssuer('us-east-1_a?b'), undefined);
    for (const pool of [POOL, 'cn-north-1_Xy12', 'us-gov-west-1_X1']) {
      assert.equal(isCognitoIssuer(userPoolIssuer(pool)), true, pool);
      assert.equal(isCognitoIssuer(userPoolIssuer(pool, 'updated')), true, pool);
    }
  });
});

void describe('regions, partitions and pool ids', () => {
  void it('knows the partition of each region shape', () => {
    const table: Array<[string, string | undefined]> = [
      ['us-east-1', 'aws'],
      ['ap-southeast-5', 'aws'],
      ['eu-central-2', 'aws'],
      ['cn-north-1', 'aws-cn'],
      ['cn-northwest-1', 'aws-cn'],
      ['us-gov-west-1', 'aws-us-gov'],
      ['us-gov-east-1', 'aws-us-gov'],
      ['eu-gov-west-1', undefined],
      ['us-gov-1', undefined],
      ['us-iso-east-1', undefined],
      ['US-EAST-1', undefined],
      ['us-east-12', undefined],
      ['us-east-1.evil.com', undefined],
      ['us-east-1/', undefined],
      ['useast1', undefined],
      ['u-east-1', undefined],
      ['', undefined],
    ];
    for (const [region, partition] of table) {
      assert.equal(regionPartition(region), partition, region);
      assert.equal(isAwsRegion(region), partition !== undefined, region);
    }
    assert.equal(isAwsRegion(7), false);
  });

  void it('reads pool ids', () => {
    assert.deepEqual(parseUserPoolId(POOL), { poolId: POOL, region: 'us-east-1', partition: 'aws' });
    assert.equal(parseUserPoolId('cn-north-1_a')?.partition, 'aws-cn');
    for (const bad of [
      'us-east-1',
      'us-east-1_',
      '_abc',
      'us-east-1_a_b',
      'us-east-1_a-b',
      'x_abc',
      `us-east-1_${'a'.repeat(60)}`,
    ])
      assert.equal(isUserPoolId(bad), false, bad);
  });

  void it('takes the region from a pool id or an issuer', () => {
    assert.equal(regionOfPoolOrIssuer(POOL), 'us-east-1');
    assert.equal(regionOfPoolOrIssuer(`https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`), 'eu-west-1');
    assert.equal(regionOfPoolOrIssuer('${Ref:UserPool}'), undefined);
    assert.equal(regionOfPoolOrIssuer('https://cognito-idp.evil/x'), undefined);
  });
});

void describe('ALB ARNs and key endpoints', () => {
  const ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';

  void it('parses a well-formed ARN in every partition', () => {
    assert.deepEqual(parseAlbArn(ARN), {
      arn: ARN,
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '123456789012',
      name: 'my-alb',
      id: '50dc6c495c0c9188',
    });
    const cn = ARN.replace('arn:aws:', 'arn:aws-cn:').replace('eu-west-1', 'cn-north-1');
    assert.equal(regionFromAlbArn(cn), 'cn-north-1');
    const gov = ARN.replace('arn:aws:', 'arn:aws-us-gov:').replace('eu-west-1', 'us-gov-west-1');
    assert.equal(regionFromAlbArn(gov), 'us-gov-west-1');
  });

  void it('refuses malformed and cross-partition ARNs', () => {
    for (const bad of [
      ARN.replace('eu-west-1', 'cn-north-1'),
      ARN.replace('arn:aws:', 'arn:aws-cn:'),
      ARN.replace('arn:aws:', 'arn:aws-iso:'),
      ARN.replace('app/', 'net/'),
      ARN.replace('123456789012', '12345'),
      ARN.replace('50dc6c495c0c9188', '50DC6C495C0C9188'),
      ARN.replace('my-alb', 'my_alb'),
      `${ARN}/extra`,
      `${ARN}:x`,
      ARN.replace('eu-west-1', 'evil.com/x'),
      `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/${'a'.repeat(40)}/50dc`,
      '',
    ]) {
      assert.equal(isAlbArn(bad), false, bad);
    }
  });

  void it('classes a signer as ALB by its service, and derives nothing from a bad one', () => {
    assert.equal(looksLikeAlbSigner(ARN), true);
    assert.equal(looksLikeAlbSigner('arn:aws:elasticloadbalancing:evil'), true);
    assert.equal(regionFromAlbArn('arn:aws:elasticloadbalancing:evil'), undefined);
    assert.equal(looksLikeAlbSigner('arn:aws:iam::1:role/x'), false);
    assert.equal(looksLikeAlbSigner(1), false);
  });

  void it('derives the key endpoint per partition', () => {
    assert.equal(albKeyBaseUrl('eu-west-1'), 'https://public-keys.auth.elb.eu-west-1.amazonaws.com');
    assert.equal(albKeyBaseUrl('cn-north-1'), 'https://public-keys.auth.elb.cn-north-1.amazonaws.com.cn');
    assert.equal(
      albKeyBaseUrl('us-gov-east-1'),
      'https://s3-us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1',
    );
    assert.equal(albKeyBaseUrl('eu-west-1.evil.com'), undefined);
  });
});

void describe('one owner', () => {
  // Regexes and URL templates that re-derive an AWS identifier; awsIdentifiers.ts is the only place for them.
  const COPIES: Array<[string, RegExp, string]> = [
    [
      'a Cognito host regex',
      /cognito-idp\\\./,
      '/^https:\\/\\/cognito-idp\\.([a-z0-9-]+)\\.amazonaws\\.com\\//',
    ],
    [
      'a Cognito issuer built from parts',
      /cognito-idp\.\$\{/,
      '`https://cognito-idp.${region}.amazonaws.com/${poolId}`',
    ],
    ['an AWS domain regex', /amazonaws\\\.com/, '/\\.amazonaws\\.com$/'],
    [
      'a JWKS URL derived from an issuer',
      /\}\/\.well-known\/jwks\.json/,
      '`${issuer}/.well-known/jwks.json`',
    ],
    ['an ELB ARN regex', /elasticloadbalancing:[[(\\]/, '/^arn:aws:elasticloadbalancing:([a-z0-9-]+):/'],
    ['a pool id regex', /[)\]+]_\[(?:A-Za-z0-9|0-9A-Za-z)\]/, '/^[a-z]{2}(-[a-z]+)+-\\d+_[0-9A-Za-z]+$/'],
    ['an ALB key host', /public-keys\.auth\.elb/, '`https://public-keys.auth.elb.${region}.amazonaws.com`'],
  ];
  const root = resolve(__dirname, '..', '..', 'src');

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  }

  void it('no other source file parses or derives AWS identifiers', () => {
    const files = sources(root);
    assert.ok(files.length > 20, 'the scan found the sources');
    const found: string[] = [];
    for (const file of files) {
      const name = relative(root, file).split('\\').join('/');
      if (name === 'core/awsIdentifiers.ts') continue;
      const text = readFileSync(file, 'utf8');
      for (const [what, pattern] of COPIES) if (pattern.test(text)) found.push(`${name}: ${what}`);
    }
    assert.deepEqual(found, [], 'use src/core/awsIdentifiers.ts');
  });

  void it('the scan recognises each kind of copy', () => {
    for (const [what, pattern, sample] of COPIES) assert.ok(pattern.test(sample), what);
  });
});
