// A keep-alive HTTP client for the load driver: one undici Pool per server, bodies read fully.
import { createHash, randomBytes } from 'node:crypto';
import { Pool } from 'undici';

export function httpClient(baseUrl, connections = 128) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  async function send(method, path, { headers = {}, form, json } = {}) {
    let body;
    const allHeaders = { ...headers };
    if (form !== undefined) {
      body = new URLSearchParams(form).toString();
      allHeaders['content-type'] = 'application/x-www-form-urlencoded';
    } else if (json !== undefined) {
      body = JSON.stringify(json);
      allHeaders['content-type'] = 'application/json';
    }
    const res = await pool.request({ method, path, headers: allHeaders, body });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }
  return { send, close: () => pool.close() };
}

export function basic(id, secret) {
  const encode = (value) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// Throws unless the answer has the expected status; the driver counts the op as failed.
export function expectStatus(res, status, what) {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 200)}`);
  }
  return res;
}

export function json(res) {
  return JSON.parse(res.text);
}
