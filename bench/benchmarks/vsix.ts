// The size of the .vsix that `npm run package` writes (vsce runs the production build first).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../benchmark.ts';
import type { Report } from '../report.ts';

/** Adds the `vsix-kb` result (or a `not measured` row saying why). */
export function vsixSize(report: Report): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const script = pkg.scripts?.['package'];
  if (script === undefined) {
    report.result('vsix-kb', null, 'KiB', 1024, 'not measured: package.json has no "package" script yet');
    return;
  }
  const started = Date.now();
  const run = spawnSync('npm', ['run', 'package', '--silent'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000,
  });
  if (run.status !== 0) {
    report.result(
      'vsix-kb',
      null,
      'KiB',
      1024,
      `not measured: npm run package failed (${(run.stderr || run.stdout).trim().split('\n').slice(-1)[0] ?? 'no output'})`,
    );
    return;
  }
  const candidates = [ROOT, join(ROOT, 'dist'), join(ROOT, 'out')]
    .filter((d) => existsSync(d))
    .flatMap((d) =>
      readdirSync(d)
        .filter((name) => name.endsWith('.vsix'))
        .map((name) => join(d, name)),
    )
    .map((path) => ({ path, stat: statSync(path) }))
    .filter((c) => c.stat.mtimeMs >= started - 1000)
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
  const newest = candidates[0];
  if (!newest) {
    report.result(
      'vsix-kb',
      null,
      'KiB',
      1024,
      'not measured: npm run package wrote no new .vsix in the repository root, dist/ or out/',
    );
    return;
  }
  report.result('vsix-kb', newest.stat.size / 1024, 'KiB', 1024, newest.path.slice(ROOT.length + 1));
}
