// `npm start -- --check`: verifies every part of a running playground answers and the samples behave as promised.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { httpGet } from '../lib/proc.mjs';

/** Runs `node dist/cli.js ...args` with `stdin` piped in; resolves {code, stdout, stderr}. */
function cli(repoDir, args, stdin = '') {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoDir, 'dist', 'cli.js'), ...args], {
      cwd: repoDir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: e.message });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}

/** Whether `authdbg <command>` exists yet (others are writing the CLI): `--help` exits 0 when it does. */
async function cliHas(repoDir, command) {
  if (!fs.existsSync(path.join(repoDir, 'dist', 'cli.js')))
    return { ok: false, why: 'dist/cli.js does not exist' };
  const r = await cli(repoDir, [command, '--help']);
  if (r.code === 0) return { ok: true };
  const line = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
  return { ok: false, why: `\`authdbg ${command}\` is not available yet (${line || `exit ${r.code}`})` };
}

async function pool(items, size, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const short = (s) => (s.length > 300 ? `${s.slice(0, 297)}...` : s).replace(/\s+/g, ' ').trim();

/**
 * Runs every check; returns {passed, failed, skipped}. Each result is printed as PASS/FAIL/SKIP on its own line.
 * @param {{repoDir: string, workspaceDir: string, data: any, cases: any, codeServer: {url: string, extensionsDir: string},
 *   vsix?: string, cognito: {endpoint: string}, keyServer: {baseUrl: string, kid: string, publicKeyPem: string},
 *   print: (line: string) => void}} o
 */
export async function runChecks(o) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const pass = (name) => {
    counts.passed++;
    o.print(`  PASS  ${name}`);
  };
  const fail = (name, why) => {
    counts.failed++;
    o.print(`  FAIL  ${name}: ${why}`);
  };
  const skip = (name, why) => {
    counts.skipped++;
    o.print(`  SKIP  ${name}: ${why}   <<<<<<<<<< SKIPPED, NOT VERIFIED`);
  };
  const expect = (name, cond, why) => (cond ? pass(name) : fail(name, why));
  const tryGet = async (url) => {
    try {
      return await httpGet(url, { timeoutMs: 5000 });
    } catch (e) {
      return { status: 0, body: String(e?.message ?? e), headers: {} };
    }
  };

  // The editor.
  const health = await tryGet(`${o.codeServer.url}healthz`);
  expect(
    'code-server answers GET /healthz',
    health.status === 200,
    `HTTP ${health.status} ${short(health.body)}`,
  );
  // `/` redirects to `/?folder=...`; ask for the workspace directly.
  const root = await tryGet(`${o.codeServer.url}?folder=${encodeURIComponent(o.workspaceDir)}`);
  expect(
    'code-server serves the workbench page',
    root.status === 200 && /workbench/i.test(root.body),
    `HTTP ${root.status}`,
  );
  if (o.vsix) {
    const manifest = JSON.parse(fs.readFileSync(path.join(o.repoDir, 'package.json'), 'utf8'));
    const prefix = `${manifest.publisher}.${manifest.name}-`.toLowerCase();
    const installed = fs
      .readdirSync(o.codeServer.extensionsDir)
      .some((d) => d.toLowerCase().startsWith(prefix));
    expect(
      'the packaged extension is installed in code-server',
      installed,
      `no ${prefix}* in ${o.codeServer.extensionsDir}`,
    );
  } else
    skip(
      'extension installed in code-server',
      'no VSIX was installed (--no-build, or package.json has no "package" script)',
    );

  // The identity provider.
  const ch = await tryGet(`${o.cognito.endpoint}/health`);
  expect('cognito-local answers GET /health', ch.status === 200, `HTTP ${ch.status}`);
  const jwks = await tryGet(o.data.cognito.jwksUrl);
  const kid = parseJson(Buffer.from(o.data.tokens['ada.id'].split('.')[0], 'base64url').toString())?.kid;
  const keys = parseJson(jwks.body)?.keys ?? [];
  expect(
    "cognito-local serves the pool JWKS with the tokens' key",
    jwks.status === 200 && keys.some((k) => k.kid === kid),
    `HTTP ${jwks.status}, kids ${keys.map((k) => k.kid).join(',')}`,
  );

  // The ALB key endpoint.
  const pem = await tryGet(`${o.keyServer.baseUrl}/${o.keyServer.kid}`);
  expect(
    'ALB key endpoint serves the PEM at /{kid}',
    pem.status === 200 && pem.body === o.keyServer.publicKeyPem,
    `HTTP ${pem.status}`,
  );
  const missing = await tryGet(`${o.keyServer.baseUrl}/00000000-0000-4000-8000-000000000000`);
  expect('ALB key endpoint answers 404 for an unknown kid', missing.status === 404, `HTTP ${missing.status}`);

  // The sample workspace.
  const files = ['authdebug.yaml', 'requests.http', 'template.yaml', 'README.md'];
  const absent = files.filter((f) => !fs.existsSync(path.join(o.workspaceDir, f)));
  expect('sample workspace files exist', absent.length === 0, `missing ${absent.join(', ')}`);

  // Tokens through the CLI.
  const has = {
    inspect: await cliHas(o.repoDir, 'inspect'),
    simulate: await cliHas(o.repoDir, 'simulate'),
    routes: await cliHas(o.repoDir, 'routes'),
  };

  const inspectCases = o.cases.inspect;
  if (!has.inspect.ok) for (const c of inspectCases) skip(`inspect ${c.token}`, has.inspect.why);
  else {
    const results = await pool(inspectCases, 3, (c) =>
      cli(o.repoDir, ['inspect', '--json', ...c.args, '-'], o.data.tokens[c.token]),
    );
    inspectCases.forEach((c, i) => {
      const r = results[i];
      const name = `inspect ${c.token}${c.expect.failed ? ` fails at ${c.expect.failed}` : ' is valid'}`;
      const json = parseJson(r.stdout);
      if (!json) return fail(name, `exit ${r.code}, no JSON: ${short(r.stderr || r.stdout)}`);
      const checks = json.checks ?? json.items?.[0]?.checks ?? [];
      const failedIds = checks.filter((k) => k.status === 'fail').map((k) => k.id);
      if (json.valid !== c.expect.valid)
        return fail(name, `valid=${json.valid}, failed checks: ${failedIds.join(',') || 'none'}`);
      if (c.expect.failed && !failedIds.includes(c.expect.failed)) {
        return fail(
          name,
          `expected check "${c.expect.failed}" to fail; failed: ${failedIds.join(',') || 'none'}`,
        );
      }
      if (r.code !== (c.expect.valid ? 0 : 1)) return fail(name, `exit ${r.code}`);
      pass(name);
    });
  }

  const config = path.join(o.workspaceDir, 'authdebug.yaml');
  const simCases = o.cases.simulate;
  if (!has.simulate.ok)
    for (const c of simCases) skip(`simulate ${c.route} with ${c.token ?? 'no token'}`, has.simulate.why);
  else {
    const results = await pool(simCases, 3, (c) =>
      cli(
        o.repoDir,
        ['simulate', '--json', '--config', config, '--route', c.route, '-'],
        c.token ? o.data.tokens[c.token] : '',
      ),
    );
    simCases.forEach((c, i) => {
      const r = results[i];
      const name = `simulate ${c.route} with ${c.token ?? 'no token'} -> ${c.expect.status} ${c.expect.decision}`;
      const json = parseJson(r.stdout);
      if (!json) return fail(name, `exit ${r.code}, no JSON: ${short(r.stderr || r.stdout)}`);
      if (json.decision !== c.expect.decision || json.status !== c.expect.status) {
        const decided = (json.trace ?? []).filter((t) => t.status === 'fail').map((t) => t.message);
        return fail(
          name,
          `got ${json.status} ${json.decision}${decided.length ? ` (${short(decided.join('; '))})` : ''}`,
        );
      }
      if (r.code !== (c.expect.decision === 'allow' ? 0 : 1)) return fail(name, `exit ${r.code}`);
      pass(name);
    });
  }

  // template.yaml: the outcomes it promises, and every key it checks against came from loopback (never AWS).
  const template = path.join(o.workspaceDir, 'template.yaml');
  const templateCases = o.cases.simulateTemplate ?? [];
  if (!has.simulate.ok)
    for (const c of templateCases)
      skip(`template.yaml: simulate ${c.route} with ${c.token ?? 'no token'}`, has.simulate.why);
  else {
    const results = await pool(templateCases, 3, (c) =>
      cli(
        o.repoDir,
        [
          'simulate',
          '--json',
          '--config',
          template,
          '--jwks',
          o.data.cognito.jwksUrl,
          '--route',
          c.route,
          '-',
        ],
        c.token ? o.data.tokens[c.token] : '',
      ),
    );
    templateCases.forEach((c, i) => {
      const r = results[i];
      const name = `template.yaml: simulate ${c.route} with ${c.token ?? 'no token'} -> ${c.expect.status} ${c.expect.decision}`;
      const json = parseJson(r.stdout);
      if (!json) return fail(name, `exit ${r.code}, no JSON: ${short(r.stderr || r.stdout)}`);
      if (json.decision !== c.expect.decision || json.status !== c.expect.status) {
        const decided = (json.trace ?? []).filter((t) => t.status === 'fail').map((t) => t.message);
        return fail(
          name,
          `got ${json.status} ${json.decision}${decided.length ? ` (${short(decided.join('; '))})` : ''}`,
        );
      }
      // A key source outside loopback would be a fetch to a real host from the playground.
      const keyLines = (json.trace ?? []).filter((t) => t.step === 'token.key').map((t) => t.message);
      const remote = keyLines.filter((m) => /\bfrom https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/.test(m));
      if (remote.length > 0) return fail(name, `keys from a remote host: ${short(remote.join('; '))}`);
      pass(name);
    });
  }

  for (const c of o.cases.routes) {
    const name = `routes --config ${c.config} lists ${c.includes.length} routes`;
    if (!has.routes.ok) {
      skip(name, has.routes.why);
      continue;
    }
    const r = await cli(o.repoDir, ['routes', '--json', '--config', path.join(o.workspaceDir, c.config)]);
    const json = parseJson(r.stdout);
    const listed = (json?.routes ?? []).map((x) => x.route);
    const missingRoutes = c.includes.filter((x) => !listed.includes(x));
    expect(
      name,
      r.code === 0 && missingRoutes.length === 0,
      `exit ${r.code}; missing ${missingRoutes.join(', ')}; ${short(r.stderr)}`,
    );
  }
  return counts;
}
