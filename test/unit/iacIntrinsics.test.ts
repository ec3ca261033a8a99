// Intrinsic functions resolved from the template alone, and the placeholders left for the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntrinsicResolver, parseTemplate } from '../../src/core/iac/index.ts';

const template = `
Parameters:
  Stage: { Type: String, Default: prod }
  PoolId: { Type: String }
  Names: { Type: CommaDelimitedList, Default: "a,b,c" }
  Boot: { Type: "AWS::SSM::Parameter::Value<String>", Default: /cdk/version }
Mappings:
  Env:
    prod: { Issuer: "https://idp.example.com" }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref PoolId, x]
Resources:
  Pool: { Type: AWS::Cognito::UserPool }
  Domain: { Type: AWS::Cognito::UserPoolDomain, Properties: { Domain: my-prefix, UserPoolId: !Ref Pool } }
Values:
  refParam: !Ref Stage
  refNoDefault: !Ref PoolId
  refSsm: !Ref Boot
  refPseudo: !Ref AWS::Region
  refResource: !Ref Pool
  refDomain: !Ref Domain
  getAtt: !GetAtt Pool.Arn
  getAttList: { "Fn::GetAtt": [Pool, ProviderURL] }
  subResolved: !Sub "api-\${Stage}"
  subPseudo: !Sub "https://cognito-idp.\${AWS::Region}.amazonaws.com/\${Pool}"
  subVars: !Sub ["\${A}-\${B}", { A: !Ref Stage, B: !Ref PoolId }]
  subEscape: !Sub "\${!Literal}-\${Stage}"
  join: !Join ["", ["https://", !Ref Stage, ".example.com"]]
  select: !Select [1, !Split [",", "x,y,z"]]
  selectParam: !Select [2, !Ref Names]
  selectUnknown: !Select [0, !GetAtt Pool.Things]
  ifKnown: !If [IsProd, yes, no]
  ifNot: !If [IsDev, yes, no]
  ifUnknown: !If [Unknown, !Ref Pool, !Ref AWS::NoValue]
  findInMap: !FindInMap [Env, !Ref Stage, Issuer]
  findMissing: !FindInMap [Env, test, Issuer]
  importValue: !ImportValue shared-pool-id
  base64: !Base64 hello
  noValueList: [a, !Ref AWS::NoValue, b]
  version: 2.0
`;

const parsed = parseTemplate(template);
const resolver = new IntrinsicResolver(parsed.root);
const values = (parsed.root as { Values: Record<string, unknown> }).Values;
const text = (key: string): string | undefined => resolver.text(values[key]);

describe('intrinsics', () => {
  const table: [string, string | undefined][] = [
    ['refParam', 'prod'],
    ['refNoDefault', '${Ref:PoolId}'],
    ['refSsm', '${Ref:Boot}'],
    ['refPseudo', '${AWS::Region}'],
    ['refResource', '${Ref:Pool}'],
    ['refDomain', 'my-prefix'],
    ['getAtt', '${GetAtt:Pool.Arn}'],
    ['getAttList', '${GetAtt:Pool.ProviderURL}'],
    ['subResolved', 'api-prod'],
    ['subPseudo', '${Sub:https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}}'],
    ['subVars', '${Sub:prod-${Ref:PoolId}}'],
    ['subEscape', '${Literal}-prod'],
    ['join', 'https://prod.example.com'],
    ['select', 'y'],
    ['selectParam', 'c'],
    ['selectUnknown', '${Select:0:${GetAtt:Pool.Things}}'],
    ['ifKnown', 'yes'],
    ['ifNot', 'no'],
    ['ifUnknown', '${If:Unknown ? ${Ref:Pool} : (no value)}'],
    ['findInMap', 'https://idp.example.com'],
    ['findMissing', '${FindInMap:Env.test.Issuer}'],
    ['importValue', '${ImportValue:shared-pool-id}'],
    ['base64', '${Base64:hello}'],
    ['version', '2.0'],
  ];
  for (const [key, expected] of table) {
    it(key, () => assert.equal(text(key), expected));
  }

  it('drops AWS::NoValue from lists and splits List parameters', () => {
    assert.deepEqual(resolver.list(values['noValueList']), ['a', 'b']);
    assert.deepEqual(resolver.list({ Ref: 'Names' }), ['a', 'b', 'c']);
  });

  it('evaluates conditions only when parameters decide them', () => {
    assert.equal(resolver.condition('IsProd'), true);
    assert.equal(resolver.condition('IsDev'), false);
    assert.equal(resolver.condition('Unknown'), undefined);
    assert.equal(resolver.condition('Missing'), undefined);
  });

  it('survives self-referencing conditions', () => {
    const loop = new IntrinsicResolver({
      Conditions: { A: { Condition: 'B' }, B: { 'Fn::Not': [{ Condition: 'A' }] } },
    });
    assert.equal(loop.condition('A'), undefined);
  });

  it('records a line for every key, in YAML and JSON', () => {
    const yaml = parseTemplate('a: 1\nb:\n  c: !Ref X\n');
    const root = yaml.root as { b: object };
    assert.equal(yaml.lineOf(yaml.root, 'b'), 2);
    assert.equal(yaml.lineOf(root.b, 'c'), 3);
    const json = parseTemplate('{\n "a": 1,\n "b": {\n  "c": [1,\n 2]\n }\n}');
    const jroot = json.root as { b: { c: unknown[] } };
    assert.equal(json.lineOf(json.root, 'b'), 3);
    assert.equal(json.lineOf(jroot.b.c, 1), 5);
  });

  it('keeps __proto__ keys as data', () => {
    const { root } = parseTemplate('__proto__:\n  polluted: true\n');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(Object.keys(root as object), ['__proto__']);
  });

  it('reports syntax errors with a line instead of throwing', () => {
    const result = parseTemplate('a: [1, 2\nb: }');
    assert.ok(result.errors.length > 0);
    assert.ok((result.errors[0]?.line ?? 0) >= 1);
  });
});
