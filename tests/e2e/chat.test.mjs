import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNoPii, client, lastUserText, marker, pii, upstreamRequestWith } from './support.mjs';

test('chat completion: the model sees placeholders, the caller gets the echo of them', async () => {
  const word = marker('chat');
  const message = `Hi ${word}, mail ${pii.email} and charge card ${pii.card}; my SSN is ${pii.ssn}.`;

  const completion = await client().chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: message },
    ],
  });

  const seen = upstreamRequestWith(word);
  assert.equal(seen.path, '/v1/chat/completions');
  assertNoPii(seen.raw, 'the upstream request');
  const saw = lastUserText(seen.body);
  assert.equal(saw, `Hi ${word}, mail [EMAIL_ADDRESS] and charge card [CREDIT_CARD]; my SSN is [US_SSN].`);

  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'gpt-4o-mini');
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, `You said: ${saw}`);
  assert.ok(completion.usage.total_tokens > 0);
  assertNoPii(JSON.stringify(completion), 'the completion');
});

test('chat completion: content parts are masked one by one', async () => {
  const word = marker('parts');

  const completion = await client().chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: `${word} first part: ${pii.email}` },
          { type: 'text', text: `second part: ${pii.card}` },
        ],
      },
    ],
  });

  const seen = upstreamRequestWith(word);
  assertNoPii(seen.raw, 'the upstream request');
  assert.deepEqual(seen.body.messages[0].content, [
    { type: 'text', text: `${word} first part: [EMAIL_ADDRESS]` },
    { type: 'text', text: 'second part: [CREDIT_CARD]' },
  ]);
  assert.equal(completion.choices[0].message.content, `You said: ${word} first part: [EMAIL_ADDRESS]\nsecond part: [CREDIT_CARD]`);
});

test('streamed chat: several events through the async iterator, no raw value in the assembled text', async () => {
  const word = marker('stream');
  // Longer than the gateway's hold-back window (256 bytes), so text reaches the caller in more than one event,
  // with the values in the middle, where the upstream's six-character pieces cut through them.
  const filler = 'The quick brown fox jumps over the lazy dog. '.repeat(4);
  const message = `${word} ${filler}Send the receipt to ${pii.email}, card ${pii.card}, SSN ${pii.ssn}. ${filler}Thanks.`;

  const stream = await client().chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: message }],
    stream: true,
  });
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }

  const seen = upstreamRequestWith(word);
  assertNoPii(seen.raw, 'the upstream request');
  assert.equal(seen.body.stream, true);
  const saw = lastUserText(seen.body);
  assert.ok(saw.includes('Send the receipt to [EMAIL_ADDRESS], card [CREDIT_CARD], SSN [US_SSN].'), saw);

  // The demo streams a role chunk, the text in six-character pieces and a finish chunk; the gateway keeps every
  // event (held text rides in the finish chunk, so there is no extra one).
  const expected = `You said: ${saw}`;
  assert.equal(chunks.length, 2 + Math.ceil(expected.length / 6));
  for (const chunk of chunks) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.id, chunks[0].id);
  }
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
  const withText = chunks.filter((c) => c.choices[0].delta.content);
  assert.ok(withText.length >= 2, `text arrived in ${withText.length} event(s)`);

  const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
  assert.equal(text, expected);
  assertNoPii(text, 'the streamed text');
  assertNoPii(JSON.stringify(chunks), 'the streamed chunks');
});
