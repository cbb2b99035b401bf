#!/usr/bin/env node
// Writes the OpenAI chat request bodies used by run.sh: bodies/chat-1k.json and bodies/chat-16k.json.
// Deterministic (fixed seed), so every run and every machine sends the same bytes. Each body is a
// conversation with support-ticket style text and PII every few hundred bytes: emails, card numbers
// (Luhn-valid), SSNs, phone numbers, IBANs, IP addresses and API keys. The bodies are padded with plain
// text to exactly the target size.
'use strict';
const fs = require('fs');
const path = require('path');

let seed = 0x5eed1234;
function rand(n) {
  // xorshift32: small, deterministic, good enough to vary the data.
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}
function pick(list) { return list[rand(list.length)]; }
function digits(n) { let s = ''; for (let i = 0; i < n; i++) s += String(rand(10)); return s; }

function luhnComplete(prefix, length) {
  let body = prefix + digits(length - prefix.length - 1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const first = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const last = ['smith', 'jones', 'garcia', 'miller', 'davis', 'lopez', 'wilson', 'clark'];
const domains = ['example.com', 'mail.example.org', 'corp.example.net'];
const ibans = ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606'];
const filler = [
  'The customer reports that the invoice total does not match the order summary.',
  'Please draft a polite reply that explains the refund timeline and next steps.',
  'They have been a customer since 2019 and usually pay on time.',
  'Summarise the ticket history below and suggest a resolution.',
  'The previous agent promised a callback within two business days.',
  'Keep the answer short, friendly and free of internal jargon.',
];

function pii() {
  switch (rand(8)) {
    case 0: return `email ${pick(first)}.${pick(last)}${rand(100)}@${pick(domains)}`;
    case 1: return `card ${luhnComplete('4', 16).replace(/(\d{4})(?=\d)/g, '$1 ')}`;
    case 2: return `SSN ${100 + rand(500)}-${10 + rand(89)}-${1000 + rand(8999)}`;
    case 3: return `phone +1 415 555 ${String(1000 + rand(8999))}`;
    case 4: return `IBAN ${pick(ibans)}`;
    case 5: return `logged in from 10.${rand(256)}.${rand(256)}.${1 + rand(254)}`;
    case 6: return `key AKIA${'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split('').map(() => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split(''))).join('').slice(0, 16)}`;
    default: return `contact ${pick(first)}@${pick(domains)} or +44 20 7946 ${String(1000 + rand(8999))}`;
  }
}

function paragraph() {
  return `${pick(filler)} Ticket ${digits(6)}: ${pii()}. ${pick(filler)} ${pii()}.`;
}

function build(target) {
  const doc = {
    model: 'gpt-4o-mini',
    temperature: 0.2,
    messages: [{ role: 'system', content: 'You are a support assistant. Answer using the ticket data the user provides.' }],
  };
  let role = 'user';
  for (;;) {
    const text = paragraph();
    const candidate = JSON.parse(JSON.stringify(doc));
    const lastMsg = candidate.messages[candidate.messages.length - 1];
    if (lastMsg.role === role && lastMsg.content.length < 1500) lastMsg.content += ' ' + text;
    else { candidate.messages.push({ role, content: text }); role = role === 'user' ? 'assistant' : 'user'; }
    if (JSON.stringify(candidate).length > target - 16) break;
    Object.assign(doc, candidate);
  }
  if (doc.messages[doc.messages.length - 1].role !== 'user') doc.messages.push({ role: 'user', content: '' });
  const lastMsg = doc.messages[doc.messages.length - 1];
  const words = 'please answer in plain language '.split('');
  if (lastMsg.content !== '') lastMsg.content += ' ';
  let i = 0;
  while (JSON.stringify(doc).length < target) { lastMsg.content += words[i++ % words.length]; }
  const json = JSON.stringify(doc);
  if (Buffer.byteLength(json) !== target) throw new Error(`size ${Buffer.byteLength(json)} != ${target}`);
  return json;
}

const outDir = process.argv[2] || path.join(__dirname, 'bodies');
fs.mkdirSync(outDir, { recursive: true });
for (const [name, size] of [['chat-1k.json', 1024], ['chat-16k.json', 16384]]) {
  fs.writeFileSync(path.join(outDir, name), build(size));
  console.log(`${path.join(outDir, name)}: ${size} bytes`);
}
