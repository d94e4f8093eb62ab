import { describe, expect, it } from 'vitest';
import type { NeutralRequest } from '../../requests/index.ts';
import { DEFAULT_MAX_TOKENS, anthropicRequestCodec } from './anthropic-request.ts';

const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };

describe('Anthropic request codec', () => {
  it('writes the params of a Message Batches request: max_tokens (required), system, one user message, options in a fixed order', () => {
    const request: NeutralRequest = {
      system: 'Be brief.',
      content: [{ kind: 'text', text: 'Summarise this.' }],
      generation: { topP: 0.9, temperature: 0.2, stopSequences: ['END'] },
    };
    expect(JSON.parse(anthropicRequestCodec.encode(request))).toEqual({
      max_tokens: DEFAULT_MAX_TOKENS,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise this.' }] }],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
    });
    // Deterministic: the option order of the stage does not change the bytes.
    expect(anthropicRequestCodec.encode({ ...request, generation: { temperature: 0.2, stopSequences: ['END'], topP: 0.9 } })).toBe(
      anthropicRequestCodec.encode(request),
    );
  });

  it('asks for JSON with the native output_config.format, and takes maxOutputTokens as max_tokens', () => {
    const json = JSON.parse(anthropicRequestCodec.encode({ content: [{ kind: 'text', text: 'x' }], generation: { maxOutputTokens: 500, outputMimeType: 'application/json', outputSchema: schema } })) as Record<string, unknown>;
    expect(json['max_tokens']).toBe(500);
    expect(json['output_config']).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('forces the answer function with tool_choice, and sends PDFs and images as base64 document and image blocks', () => {
    const request: NeutralRequest = {
      content: [
        { kind: 'inline', mimeType: 'application/pdf', base64: 'JVBERi0=', pages: 3 },
        { kind: 'inline', mimeType: 'image/png', base64: 'iVBORw0=' },
        { kind: 'text', text: 'Extract.' },
      ],
      generation: {},
      tools: [{ kind: 'function', name: 'record', description: 'The answer', parameters: schema, answer: true }],
    };
    const json = JSON.parse(anthropicRequestCodec.encode(request)) as { messages: [{ content: unknown[] }]; tools: unknown; tool_choice: unknown };
    expect(json.messages[0].content).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0=' } },
      { type: 'text', text: 'Extract.' },
    ]);
    expect(json.tools).toEqual([{ name: 'record', description: 'The answer', input_schema: schema }]);
    expect(json.tool_choice).toEqual({ type: 'tool', name: 'record' });
    // Decoding gives the request back (a PDF's page count is not on the wire).
    const decoded = anthropicRequestCodec.decode(anthropicRequestCodec.encode(request));
    expect(decoded.tools).toEqual(request.tools);
    expect(decoded.content[2]).toEqual({ kind: 'text', text: 'Extract.' });
  });

  it('appends a repair note as a last text block of the user turn', () => {
    const stored = anthropicRequestCodec.encode({ content: [{ kind: 'text', text: 'first' }], generation: {} });
    const repaired = JSON.parse(anthropicRequestCodec.appendText(stored, 'fix the JSON')) as { messages: [{ content: unknown[] }] };
    expect(repaired.messages[0].content).toEqual([{ type: 'text', text: 'first' }, { type: 'text', text: 'fix the JSON' }]);
  });

  it('names what Anthropic would refuse for a whole stage', () => {
    const base: NeutralRequest = { content: [{ kind: 'text', text: 'x' }], generation: {} };
    expect(anthropicRequestCodec.requestProblem?.('claude-sonnet-5-5', base)).toBeUndefined();
    expect(anthropicRequestCodec.requestProblem?.('m', { ...base, embedding: {} })).toMatch(/no embedding/);
    expect(anthropicRequestCodec.requestProblem?.('m', { ...base, generation: { seed: 1 } })).toMatch(/seed/);
    expect(anthropicRequestCodec.requestProblem?.('m', { ...base, generation: { thinking: { budgetTokens: 100 } } })).toMatch(/1024/);
    expect(anthropicRequestCodec.requestProblem?.('m', { ...base, content: [{ kind: 'file', uri: 'files/x', mimeType: 'application/pdf' }] })).toMatch(/travel: inline/);
    expect(anthropicRequestCodec.requestProblem?.('m', { ...base, content: [{ kind: 'inline', mimeType: 'audio/mp3', base64: 'AA==' }] })).toMatch(/audio\/mp3/);
  });

  it('estimates a PDF by its pages and the output by the schema, within max_tokens', () => {
    const text = anthropicRequestCodec.estimateTokens({ content: [{ kind: 'text', text: 'hello world' }], generation: {} });
    const pdf = anthropicRequestCodec.estimateTokens({ content: [{ kind: 'inline', mimeType: 'application/pdf', base64: 'x', pages: 10 }], generation: { maxOutputTokens: 100 } });
    expect(pdf.input).toBeGreaterThan(text.input + 10_000);
    expect(pdf.output).toBe(100);
  });
});
