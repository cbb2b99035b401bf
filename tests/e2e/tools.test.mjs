import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNoPii, client, lastUserText, marker, pii, upstreamRequestWith } from './support.mjs';

// Parameter names on purpose match the built-in field-name rules (email, phone): name rules classify scalar values
// only, so a JSON schema's `properties.email` object must reach the model unchanged (asserted below).
const tools = [
  {
    type: 'function',
    function: {
      name: 'send_receipt',
      description: 'Send a receipt by e-mail.',
      parameters: {
        type: 'object',
        properties: { email: { type: 'string', description: 'where to send it' }, amount: { type: 'number' } },
        required: ['email'],
      },
    },
  },
  {
    type: 'function',
    function: { name: 'lookup_customer', parameters: { type: 'object', properties: { query: { type: 'string' }, phone: { type: 'string' } } } },
  },
];

function conversation(word) {
  return [
    { role: 'user', content: `${word} who is the customer?` },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_lookup_1',
          type: 'function',
          function: { name: 'lookup_customer', arguments: JSON.stringify({ query: pii.email, note: `card ${pii.card}` }) },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_lookup_1', content: `Found: Jane, SSN ${pii.ssn}, mail ${pii.email}` },
    { role: 'user', content: `Send her the receipt at ${pii.email}.` },
  ];
}

function assertUpstreamSawMaskedConversation(word) {
  const seen = upstreamRequestWith(word);
  assertNoPii(seen.raw, 'the upstream request');
  const [, assistant, tool, last] = seen.body.messages;

  // The arguments are JSON inside a string: masked inside, and still JSON.
  const call = assistant.tool_calls[0];
  assert.equal(call.id, 'call_lookup_1');
  assert.equal(call.function.name, 'lookup_customer');
  assert.deepEqual(JSON.parse(call.function.arguments), { query: '[EMAIL_ADDRESS]', note: 'card [CREDIT_CARD]' });
  assert.equal(tool.content, 'Found: Jane, SSN [US_SSN], mail [EMAIL_ADDRESS]');
  assert.equal(last.content, 'Send her the receipt at [EMAIL_ADDRESS].');
  assert.deepEqual(seen.body.tools, tools);
  return seen;
}

test('tool calls: PII in prior tool-call arguments and tool results is masked', async () => {
  const word = marker('tools');

  const completion = await client().chat.completions.create({
    model: 'gpt-4o-mini',
    messages: conversation(word),
    tools,
  });

  const seen = assertUpstreamSawMaskedConversation(word);
  const choice = completion.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'send_receipt');
  assert.deepEqual(JSON.parse(call.function.arguments), { echo: lastUserText(seen.body) });
  assertNoPii(JSON.stringify(completion), 'the completion');
});

test('tool calls, streamed: the arguments assembled by the client are masked JSON', async () => {
  const word = marker('toolstream');

  const runner = client().chat.completions.stream({
    model: 'gpt-4o-mini',
    messages: conversation(word),
    tools,
  });
  let events = 0;
  runner.on('chunk', () => {
    events++;
  });
  const completion = await runner.finalChatCompletion();

  const seen = assertUpstreamSawMaskedConversation(word);
  assert.ok(events >= 3, `${events} chunk(s)`);
  const choice = completion.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  const call = choice.message.tool_calls[0];
  assert.equal(call.id, 'call_echo_1');
  assert.equal(call.function.name, 'send_receipt');
  assert.deepEqual(JSON.parse(call.function.arguments), { echo: lastUserText(seen.body) });
  assertNoPii(JSON.stringify(completion), 'the assembled completion');
});
