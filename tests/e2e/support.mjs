// Shared by the end-to-end tests: where the gateway is (set by run.sh), the planted values, a client, and what the
// demo upstream received (it runs with --print-bodies, its output goes to a file the tests read).
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the end-to-end tests with tests/e2e/run.sh`);
  }
  return value;
}

/** The gateway's data listener, e.g. http://127.0.0.1:PORT (no path). */
export const gatewayUrl = required('FASTMASK_E2E_GATEWAY_URL');

/** What an OpenAI client is pointed at: the gateway's /v1 route, which forwards to the demo upstream. */
export const baseURL = required('FASTMASK_E2E_BASE_URL');

/** The caller's own key: the gateway must never pass it on. */
export const clientKey = 'sk-caller-own-key-never-forwarded-0000';

/** Sensitive values the tests plant in requests. None of them, in any spelling, may reach the model or come back. */
export const pii = {
  email: 'jane.doe@example.com',
  card: '4111 1111 1111 1111',
  ssn: '123-45-6789',
};

const spellings = [pii.email, pii.card, pii.ssn, '4111111111111111', 'jane.doe\\u0040example.com', 'jane.doe'];

export function assertNoPii(text, what) {
  for (const value of spellings) {
    assert.ok(!text.toLowerCase().includes(value.toLowerCase()), `${what} contains the planted value ${value}: ${text}`);
  }
}

export function client(options = {}) {
  return new OpenAI({ apiKey: clientKey, baseURL, maxRetries: 0, timeout: 20_000, ...options });
}

/** A word of letters only, unique to one test, so the test finds its own request in the upstream's log. */
export function marker(prefix) {
  let word = '';
  for (let i = 0; i < 10; i++) {
    word += String.fromCharCode(97 + randomInt(26));
  }
  return `${prefix}${word}`;
}

/** Every request body the demo upstream printed: [{ method, path, body (parsed JSON), raw }]. */
export function upstreamRequests() {
  const lines = readFileSync(required('FASTMASK_E2E_UPSTREAM_LOG'), 'utf8').split('\n');
  const requests = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = /^--> (\S+) (\S+)$/.exec(lines[i]);
    if (!head) {
      continue;
    }
    const raw = lines[i + 1];
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    requests.push({ method: head[1], path: head[2], body, raw });
  }
  return requests;
}

/** The one request the upstream received that carries <paramref name="word"/>. */
export function upstreamRequestWith(word) {
  const found = upstreamRequests().filter((r) => r.raw.includes(word));
  assert.equal(found.length, 1, `the upstream received ${found.length} requests carrying ${word}`);
  assert.ok(found[0].body, `the upstream received a body that is not JSON: ${found[0].raw}`);
  return found[0];
}

/** The text of the last user message as the upstream saw it (what the demo echoes). */
export function lastUserText(body) {
  const user = body.messages.filter((m) => m.role === 'user').at(-1);
  return typeof user.content === 'string' ? user.content : user.content.map((p) => p.text).join('\n');
}
