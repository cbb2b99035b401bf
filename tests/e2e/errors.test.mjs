import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { assertNoPii, baseURL, client, clientKey, gatewayUrl, marker, pii, upstreamRequests } from './support.mjs';

test('invalid JSON body: 400 with an OpenAI-style error, nothing forwarded', async () => {
  const word = marker('broken');

  const response = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${clientKey}` },
    body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"${word} ${pii.email}"}`,
  });

  assert.equal(response.status, 400);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  const text = await response.text();
  assertNoPii(text, 'the error');
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.type, 'invalid_request_error');
  assert.equal(body.error.code, 'invalid_json');
  assert.match(body.error.message, /not valid JSON at byte offset \d+/);
  assert.ok(response.headers.get('x-request-id'));
  assert.equal(upstreamRequests().filter((r) => r.raw.includes(word)).length, 0);
});

test('unsupported content type: 415, nothing forwarded', async () => {
  const word = marker('plain');

  const response = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: `${word} ${pii.email}`,
  });

  assert.equal(response.status, 415);
  const body = await response.json();
  assert.equal(body.error.code, 'unsupported_media_type');
  assert.equal(upstreamRequests().filter((r) => r.raw.includes(word)).length, 0);
});

test('gateway errors reach the client as typed API errors', async () => {
  const unrouted = client({ baseURL: `${gatewayUrl}/no-such-route` });

  const error = await unrouted.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
    .then(() => assert.fail('the request succeeded'), (e) => e);

  assert.ok(error instanceof OpenAI.NotFoundError, String(error));
  assert.equal(error.status, 404);
  assert.equal(error.code, 'route_not_found');
  assert.equal(error.type, 'invalid_request_error');
  assert.ok(error.requestID, 'the gateway sets x-request-id');
});

test("upstream errors pass through to the client's error type", async () => {
  const error = await client()
    .models.retrieve('no-such-model')
    .then(() => assert.fail('the request succeeded'), (e) => e);

  assert.ok(error instanceof OpenAI.NotFoundError, String(error));
  assert.equal(error.code, 'not_found');
});

// The demo upstream does not echo headers, so the credential is checked on a second route ("/capture", set up by
// run.sh with its own credential variable) whose upstream is this recording server.
let capture;
const received = [];

before(async () => {
  capture = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = JSON.stringify({
        id: 'chatcmpl-capture',
        object: 'chat.completion',
        created: 0,
        model: 'capture',
        choices: [{ index: 0, message: { role: 'assistant', content: `mail ${pii.email}` }, finish_reason: 'stop' }],
      });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      response.end(answer);
    });
  });
  capture.listen(Number(process.env.FASTMASK_E2E_CAPTURE_PORT), '127.0.0.1');
  await once(capture, 'listening');
});

after(() => {
  capture?.close();
});

test("the client's API key is never forwarded; the route's credential is", async () => {
  const word = marker('cred');
  const routeCredential = process.env.FASTMASK_E2E_CAPTURE_CREDENTIAL;
  assert.ok(routeCredential);
  const captured = client({
    baseURL: `${gatewayUrl}/capture/v1`,
    defaultHeaders: { 'x-api-key': clientKey, 'api-key': clientKey, cookie: `session=${clientKey}` },
  });

  const completion = await captured.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `${word} my card is ${pii.card}` }],
  });

  assert.equal(received.length, 1);
  const [request] = received;
  assert.equal(request.url, '/capture/v1/chat/completions');
  assert.equal(request.headers.authorization, `Bearer ${routeCredential}`);
  for (const [name, value] of Object.entries(request.headers)) {
    assert.ok(!String(value).includes(clientKey), `header ${name} carries the caller's key`);
  }
  assert.equal(JSON.parse(request.body).messages[0].content, `${word} my card is [CREDIT_CARD]`);
  assertNoPii(request.body, 'the upstream request');

  // The response goes through the response rules as well.
  assert.equal(completion.choices[0].message.content, 'mail [EMAIL_ADDRESS]');
});
