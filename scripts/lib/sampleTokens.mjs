// Makes the playground's sample tokens: ALB x-amzn-oidc-data blobs (padded, ES256) with a loopback key endpoint,
// and failing variants of Cognito tokens (expired, tampered). Uses node:crypto only.
import crypto from 'node:crypto';
import http from 'node:http';

/** base64url WITH `=` padding, exactly as the ALB encodes each segment of x-amzn-oidc-data. */
export function b64urlPadded(buf) {
  return Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function b64url(buf) {
  return Buffer.from(buf).toString('base64url');
}

/**
 * Signs an ALB-style blob: padded segments, ES256 raw r||s over the padded `header.payload` text.
 * @param {{privateKey: crypto.KeyObject, kid: string, signer: string, client: string, iss: string,
 *   claims: Record<string, unknown>, exp?: number}} o
 */
export function signAlbBlob({ privateKey, kid, signer, client, iss, claims, exp }) {
  const expiry = exp ?? Math.floor(Date.now() / 1000) + 3600;
  const header = { typ: 'JWT', kid, alg: 'ES256', iss, client, signer, exp: expiry };
  const payload = { ...claims, exp: expiry, iss };
  const input = `${b64urlPadded(JSON.stringify(header))}.${b64urlPadded(JSON.stringify(payload))}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64urlPadded(sig)}`;
}

/** Signs a compact RS256 JWT (unpadded, like Cognito) with a PEM private key: used for the expired sample. */
export function signRs256(header, payload, privateKeyPem) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = crypto.sign('sha256', Buffer.from(input), privateKeyPem);
  return `${input}.${b64url(sig)}`;
}

/** Decodes a JWT segment (padded or not) as JSON. */
export function decodeSegment(seg) {
  return JSON.parse(Buffer.from(seg.replace(/=+$/, ''), 'base64url').toString('utf8'));
}

/** Returns the token with its payload edited and the original signature kept, so the signature check fails. */
export function tamperToken(token, edit) {
  const [h, p, s] = token.split('.');
  const payload = { ...decodeSegment(p), ...edit };
  return `${h}.${b64url(JSON.stringify(payload))}.${s}`;
}

/**
 * Serves an ES256 public key as PEM at `/{kid}` on 127.0.0.1, like the ALB's regional key endpoint.
 * @param {{port?: number}} [opts]
 * @returns {Promise<{baseUrl: string, port: number, kid: string, privateKey: crypto.KeyObject, publicKeyPem: string,
 *   requests: () => number, stop: () => Promise<void>}>}
 */
export async function startAlbKeyServer(opts = {}) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = crypto.randomUUID();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    if (req.method === 'GET' && req.url === `/${kid}`) {
      res.writeHead(200, {
        'content-type': 'application/x-pem-file',
        'content-length': Buffer.byteLength(publicKeyPem),
      });
      res.end(publicKeyPem);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    kid,
    privateKey,
    publicKeyPem,
    requests: () => count,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve(undefined));
      }),
  };
}
