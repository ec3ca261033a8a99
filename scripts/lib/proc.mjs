// Small process/network helpers shared by the code-server, cognito-local and playground launchers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

/** Error whose message is a complete, user-facing explanation (launchers print only the message). */
export class LaunchError extends Error {}

/** Asks the OS for a free TCP port on `host` (loopback by default). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Throws a LaunchError naming the port when something already listens there, so users see why, not a hang. */
export function assertPortFree(port, host = '127.0.0.1', what = 'server') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (e) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new LaunchError(
              `port ${port} on ${host} is already in use, so the ${what} cannot start there. ` +
                `Stop whatever listens on it (\`ss -ltnp 'sport = :${port}'\` shows it) or choose another port.`,
            )
          : e,
      );
    });
    srv.listen(port, host, () => srv.close(() => resolve(undefined)));
  });
}

/** One GET on loopback with a timeout; resolves {status, body} and never throws on HTTP errors. */
export function httpGet(url, { timeoutMs = 2000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Polls `probe` until it returns true, the child exits, or the timeout passes. */
export async function waitUntil(probe, { timeoutMs, intervalMs = 200, child, what, logFile }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new LaunchError(`${what} exited early (code ${child.exitCode}).${tailHint(logFile)}`);
    }
    if (child && child.signalCode !== null) {
      throw new LaunchError(`${what} was killed (${child.signalCode}).${tailHint(logFile)}`);
    }
    try {
      if (await probe()) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline)
      throw new LaunchError(`${what} did not answer within ${timeoutMs} ms.${tailHint(logFile)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function tailHint(logFile) {
  if (!logFile) return '';
  return `\nlast lines of ${logFile}:\n${tail(logFile, 15)}`;
}

/** The last `n` lines of a text file ('' if unreadable). */
export function tail(file, n = 15) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-n).join('\n');
  } catch {
    return '';
  }
}

/**
 * Spawns `cmd` in its own process group with output to `logFile`; `stop()` ends the whole group (TERM, then KILL)
 * and a process 'exit' hook kills it too, so nothing outlives the caller.
 */
export function spawnGroup(cmd, args, { env, cwd, logFile, onLine }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, {
    env,
    cwd,
    detached: true,
    stdio: ['ignore', onLine ? 'pipe' : out, onLine ? 'pipe' : out],
  });
  if (onLine) {
    const pump = (stream) => {
      let buf = '';
      stream.on('data', (c) => {
        fs.writeSync(out, c);
        buf += c.toString('utf8');
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    };
    pump(child.stdout);
    pump(child.stderr);
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('exit', () => {
    try {
      fs.closeSync(out);
    } catch {
      /* already closed */
    }
  });
  const killGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* group already gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  let stopping;
  const stop = (graceMs = 5000) => {
    stopping ??= (async () => {
      process.off('exit', onExit);
      killGroup('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) {
        let t;
        const timer = new Promise((r) => (t = setTimeout(r, graceMs, 'timeout')));
        const first = await Promise.race([exited, timer]);
        clearTimeout(t);
        if (first === 'timeout') killGroup('SIGKILL');
      }
      // Children of the leader may outlive it: make sure the group is gone.
      killGroup('SIGKILL');
    })();
    return stopping;
  };
  return { child, stop, exited };
}
