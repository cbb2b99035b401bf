import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNoPii, client, marker, pii, upstreamRequestWith } from './support.mjs';

// Most tests ask for floats; the last one uses the client's default (base64, decoded by the client).
const encoding_format = 'float';

test('embeddings: a string input reaches the model masked', async () => {
  const word = marker('embed');

  const response = await client().embeddings.create({
    model: 'text-embedding-3-small',
    input: `${word} customer ${pii.email} paid with ${pii.card}`,
    encoding_format,
  });

  const seen = upstreamRequestWith(word);
  assert.equal(seen.path, '/v1/embeddings');
  assertNoPii(seen.raw, 'the upstream request');
  assert.equal(seen.body.input, `${word} customer [EMAIL_ADDRESS] paid with [CREDIT_CARD]`);

  assert.equal(response.object, 'list');
  assert.equal(response.data.length, 1);
  assert.equal(response.data[0].embedding.length, 8);
  assert.deepEqual(response.input_received, [seen.body.input]);
  assertNoPii(JSON.stringify(response), 'the embeddings response');
});

test('embeddings: every element of an array input is masked, in order', async () => {
  const word = marker('batch');
  const input = [`${word} one ${pii.email}`, 'two has nothing', `three ${pii.ssn} is my SSN`];

  const response = await client().embeddings.create({ model: 'text-embedding-3-small', input, encoding_format });

  const seen = upstreamRequestWith(word);
  assertNoPii(seen.raw, 'the upstream request');
  assert.deepEqual(seen.body.input, [`${word} one [EMAIL_ADDRESS]`, 'two has nothing', 'three [US_SSN] is my SSN']);
  assert.deepEqual(response.data.map((d) => d.index), [0, 1, 2]);
  assert.deepEqual(response.input_received, seen.body.input);
});

test('embeddings: the vector of a value equals the vector of its placeholder', async () => {
  // The demo derives the vector from the text it received, so equal vectors show what the model embedded,
  // independently of any masking of the response.
  const word = marker('vector');

  const response = await client().embeddings.create({
    model: 'text-embedding-3-small',
    input: [`${word} reach me at ${pii.email}`, `${word} reach me at [EMAIL_ADDRESS]`, `${word} reach me at home`],
    encoding_format,
  });

  const [masked, placeholder, other] = response.data.map((d) => d.embedding);
  assert.deepEqual(masked, placeholder);
  assert.notDeepEqual(masked, other);
});

test("embeddings: the client's default base64 encoding decodes to the float vector", async () => {
  const input = `${marker('b64')} nothing sensitive here`;

  const floats = await client().embeddings.create({ model: 'text-embedding-3-small', input, encoding_format });
  const decoded = await client().embeddings.create({ model: 'text-embedding-3-small', input });

  assert.equal(decoded.data[0].embedding.length, 8);
  assert.deepEqual(decoded.data[0].embedding, floats.data[0].embedding.map((v) => Math.fround(v)));
});
