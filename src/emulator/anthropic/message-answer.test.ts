import { describe, expect, it } from 'vitest';
import { derivedId, messageOf } from './message-answer.ts';

describe('messageOf', () => {
  const identity = { seed: 7, batchId: 'msgbatch_01abc', customId: 'doc-1' };

  it('turns a function call into a tool_use block, counts thinking as output, tools as input, and a cache read apart', () => {
    const message = messageOf(
      {
        candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'record', args: { total: 3 } } }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 120, candidatesTokenCount: 9, thoughtsTokenCount: 40 },
      },
      'claude-haiku-4-5',
      identity,
      { toolTokens: 30, cache: { written: 0, read: 100, ttl: '5m' } },
    );
    expect(message).toMatchObject({
      id: derivedId('msg', '7\u0000msgbatch_01abc\u0000doc-1'),
      stop_reason: 'tool_use',
      content: [{ type: 'tool_use', name: 'record', input: { total: 3 } }],
      usage: { input_tokens: 50, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 49 },
    });
  });

  it('says max_tokens for an answer cut short, and gives the same ids for the same identity', () => {
    const response = { candidates: [{ content: { parts: [{ text: 'Part one' }, { text: ', part two' }] }, finishReason: 'MAX_TOKENS' }], usageMetadata: { promptTokenCount: 5 } };
    const message = messageOf(response, 'claude-haiku-4-5', identity);
    expect(message).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: 'Part one, part two' }], usage: { output_tokens: 1 } });
    expect(messageOf(response, 'claude-haiku-4-5', identity)['id']).toBe(message['id']);
    expect(messageOf(response, 'claude-haiku-4-5', { ...identity, customId: 'doc-2' })['id']).not.toBe(message['id']);
  });
});
