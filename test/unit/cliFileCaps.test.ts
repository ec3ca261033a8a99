// The CLI reads every file it is given under a cap, stops reading at the cap (a FIFO or /dev/zero has no size),
// and says so in one line naming the option, the file, its size and the limit.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readFileBytes } from '../../src/cli/fileRead.ts';
import { runInspect } from '../../src/cli/inspectCommand.ts';
import { runRoutes } from '../../src/cli/routesCommand.ts';
import { UsageError } from '../../src/cli/io.ts';
import type { CliIo } from '../../src/cli/io.ts';
import {
  MAX_CONFIG_FILE_BYTES,
  MAX_KEY_FILE_BYTES,
  configFileTooLarge,
  keyFileTooLarge,
} from '../../src/core/fileLimits.ts';
import { DEFAULT_MAX_BYTES } from '../../src/core/keys/httpGet.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

function cliIo(readFileImpl: CliIo['readFileBytes'] = readFileBytes): { io: CliIo; out: string[] } {
  const out: string[] = [];
  return {
    out,
    io: {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      readStdin: () => Promise.resolve(''),
      readFileBytes: readFileImpl,
      nowMs: () => 0,
      keys: {} as KeyProvider,
    },
  };
}

async function usageError(run: Promise<unknown>): Promise<string> {
  let message = '';
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof UsageError, String(error));
    message = error.message;
    return true;
  });
  return message;
}

void describe('key file caps (--jwks-file, --pem-file, --secret-file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authdbg-caps-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const big = join(dir, 'big.json');
  writeFileSync(big, `{"keys":[],"pad":"${'x'.repeat(300 * 1024)}"}`);

  void it('is the cap of a fetched key set, and the message names option, file, size and limit', () => {
    assert.equal(MAX_KEY_FILE_BYTES, DEFAULT_MAX_BYTES);
    assert.equal(keyFileTooLarge('--pem-file', 'k.pem', MAX_KEY_FILE_BYTES), undefined);
    assert.equal(
      keyFileTooLarge('--pem-file', 'k.pem', MAX_KEY_FILE_BYTES + 1),
      '--pem-file k.pem is 257 KiB; the limit for a key or secret file is 256 KiB',
    );
    assert.equal(
      keyFileTooLarge('--secret-file', '/dev/zero', MAX_KEY_FILE_BYTES + 1, true),
      '--secret-file /dev/zero is over 256 KiB; the limit for a key or secret file is 256 KiB',
    );
  });

  for (const option of ['--jwks-file', '--pem-file', '--secret-file']) {
    void it(`${option}: a 300 KiB file is refused in one line`, async () => {
      const { io, out } = cliIo();
      const message = await usageError(runInspect([TOKEN, option, big], io));
      assert.equal(message, `${option} ${big} is 301 KiB; the limit for a key or secret file is 256 KiB`);
      assert.deepEqual(out, []);
    });
  }

  void it('every file option reads through the io, and an io that ignores the cap gets the same message', async () => {
    const bigConfig = join(dir, 'big.yaml');
    writeFileSync(bigConfig, `# ${'x'.repeat(MAX_CONFIG_FILE_BYTES)}\nversion: 1\n`);
    const cases = [
      ...['--jwks-file', '--pem-file', '--secret-file'].map((option) => ({
        option,
        path: big,
        run: (io: CliIo) => runInspect([TOKEN, option, big], io),
        expected: `${option} ${big} is 301 KiB; the limit for a key or secret file is 256 KiB`,
      })),
      {
        option: '--config',
        path: bigConfig,
        run: (io: CliIo) => runRoutes(['--config', bigConfig], io),
        expected: `${bigConfig} is 1.1 MB; the limit is 1 MB`,
      },
    ];
    for (const { option, path, run, expected } of cases) {
      const read: string[] = [];
      const { io, out } = cliIo((file) => {
        read.push(file);
        return readFile(file);
      });
      assert.equal(await usageError(run(io)), expected, option);
      assert.deepEqual(read, [path], `${option} is read through the io`);
      assert.deepEqual(out, [], option);
    }
  });

  void it(
    'a file of no size (/dev/zero) stops at the cap, quickly',
    { skip: !existsSync('/dev/zero') },
    async () => {
      const started = performance.now();
      await assert.rejects(readFileBytes('/dev/zero', MAX_KEY_FILE_BYTES), /file too large/);
      for (const option of ['--pem-file', '--secret-file']) {
        const { io } = cliIo();
        const message = await usageError(runInspect([TOKEN, option, '/dev/zero'], io));
        assert.equal(
          message,
          `${option} /dev/zero is over 256 KiB; the limit for a key or secret file is 256 KiB`,
        );
      }
      assert.ok(performance.now() - started < 5000, `${performance.now() - started} ms`);
    },
  );

  void it('a key file at the cap is read, and a missing one is named', async () => {
    const atCap = join(dir, 'at-cap.pem');
    writeFileSync(atCap, 'x'.repeat(MAX_KEY_FILE_BYTES));
    assert.equal((await readFileBytes(atCap, MAX_KEY_FILE_BYTES)).length, MAX_KEY_FILE_BYTES);
    const { io } = cliIo();
    const message = await usageError(runInspect([TOKEN, '--jwks-file', atCap], io));
    assert.equal(message, `--jwks-file ${atCap} is not valid JSON`);
    const missing = await usageError(runInspect([TOKEN, '--pem-file', join(dir, 'nope.pem')], cliIo().io));
    assert.match(missing, /^--pem-file .*nope\.pem: no such file \(ENOENT\)$/);
  });
});

void describe('configuration and template cap', () => {
  void it('is 1 MiB (CloudFormation reads at most 1 MB of template body)', () => {
    assert.equal(MAX_CONFIG_FILE_BYTES, 1024 * 1024);
    assert.equal(configFileTooLarge('t.yaml', 1024 * 1024), undefined);
    assert.equal(configFileTooLarge('t.yaml', 1024 * 1024 + 1), 't.yaml is 1.1 MB; the limit is 1 MB');
  });
});
