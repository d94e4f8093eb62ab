import { describe, expect, it } from 'vitest';
import type { ParsedLine } from '../../shared/index.ts';
import { CANCELED_LINE_STATUS, EXPIRED_LINE_STATUS, parseAnthropicResultLine } from './anthropic-results.ts';

const line = (value: unknown, lineNumber = 1): ParsedLine => ({ lineNumber, ok: true, value, bytes: 1 });

const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-5-5',
  content: [
    { type: 'thinking', thinking: 'hmm', signature: 's' },
    { type: 'text', text: '{"title":', citations: null },
    { type: 'text', text: '"A"}' },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: {
    input_tokens: 100,
    output_tokens: 50,
    cache_read_input_tokens: 400,
    cache_creation_input_tokens: 20,
    output_tokens_details: { thinking_tokens: 10 },
  },
};

describe('Anthropic result lines', () => {
  it('reads a succeeded line: the text blocks joined (thinking left out), the stop, and usage with cache reads and writes', () => {
    const item = parseAnthropicResultLine(line({ key: 'doc-1', custom_id: 'abc-1', result: { type: 'succeeded', message } }));
    expect(item.kind).toBe('response');
    if (item.kind !== 'response') return;
    expect(item.key).toBe('doc-1');
    expect(item.response).toMatchObject({ text: '{"title":"A"}', finish: 'stop', rawFinish: 'end_turn', modelVersion: 'claude-sonnet-5-5' });
    // input_tokens excludes the cache: the prompt is 100 + 400 read + 20 written; thinking is split out of output.
    expect(item.response.usage).toEqual({ promptTokens: 520, outputTokens: 40, thoughtsTokens: 10, cachedTokens: 400, totalTokens: 570 });
  });

  it('reads a forced tool call as the answer function call, and max_tokens and refusal as their finish kinds', () => {
    const called = parseAnthropicResultLine(
      line({ key: 'k', result: { type: 'succeeded', message: { ...message, content: [{ type: 'tool_use', id: 't', name: 'record', input: { title: 'A' } }], stop_reason: 'tool_use' } } }),
    );
    expect(called.kind === 'response' && called.response.functionCall).toEqual({ name: 'record', args: { title: 'A' } });
    const truncated = parseAnthropicResultLine(line({ key: 'k', result: { type: 'succeeded', message: { ...message, stop_reason: 'max_tokens' } } }));
    expect(truncated.kind === 'response' && truncated.response.finish).toBe('max-tokens');
    const refused = parseAnthropicResultLine(line({ key: 'k', result: { type: 'succeeded', message: { ...message, stop_reason: 'refusal' } } }));
    expect(refused.kind === 'response' && refused.response.finish).toBe('blocked');
  });

  it('takes the message of an errored line from inside its twice-nested error (curator#296)', () => {
    const item = parseAnthropicResultLine(
      line({
        key: 'doc-2',
        custom_id: 'abc-2',
        result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low' }, request_id: 'req_1' } },
      }),
    );
    expect(item).toEqual({ kind: 'error', key: 'doc-2', lineNumber: 1, error: { code: 400, message: 'invalid_request_error: Your credit balance is too low' } });
  });

  it('makes canceled and expired lines errors (their requests are sent again), each saying why', () => {
    const canceled = parseAnthropicResultLine(line({ key: 'a', result: { type: 'canceled' } }));
    const expired = parseAnthropicResultLine(line({ key: 'b', result: { type: 'expired' } }));
    expect(canceled).toMatchObject({ kind: 'error', key: 'a', error: { code: CANCELED_LINE_STATUS, message: expect.stringMatching(/^canceled/) as unknown } });
    expect(expired).toMatchObject({ kind: 'error', key: 'b', error: { code: EXPIRED_LINE_STATUS, message: expect.stringMatching(/^expired/) as unknown } });
  });

  it('keeps the custom_id as the key of a line it could not join (then reported as unknown), and never throws on a bad line', () => {
    expect(parseAnthropicResultLine(line({ custom_id: 'foreign-1', result: { type: 'canceled' } }))).toMatchObject({ kind: 'error', key: 'foreign-1' });
    expect(parseAnthropicResultLine({ lineNumber: 3, ok: false, error: 'Unexpected token', text: '{oops' })).toMatchObject({ kind: 'malformed', lineNumber: 3 });
    expect(parseAnthropicResultLine(line({ key: 'k', result: { type: 'mystery' } }))).toMatchObject({ kind: 'malformed', reason: expect.stringMatching(/unknown result type/) as unknown });
    expect(parseAnthropicResultLine(line({ key: 'k', result: { type: 'succeeded', message: { content: 'not blocks' } } }))).toMatchObject({ kind: 'malformed' });
  });
});
