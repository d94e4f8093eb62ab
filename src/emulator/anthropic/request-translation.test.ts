import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/index.ts';
import { translateParams } from './request-translation.ts';

const BASE = { model: 'claude-sonnet-4-5', max_tokens: 4000 };

function refusal(params: Record<string, unknown>): string {
  try {
    translateParams(params);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('translateParams', () => {
  it('maps system, text, base64 image and document blocks, and history turns onto a GenerateContentRequest', () => {
    const { request, model } = translateParams({
      ...BASE,
      system: [{ type: 'text', text: 'You extract fields.' }],
      temperature: 0.2,
      stop_sequences: ['END'],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain document.' } },
            { type: 'text', text: 'Extract.' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'found it' }] },
      ],
    });
    expect(model).toBe('claude-sonnet-4-5');
    expect(request).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
            { text: 'Plain document.' },
            { text: 'Extract.' },
          ],
        },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'x' } } }] },
        { role: 'user', parts: [{ text: 'found it' }] },
      ],
      systemInstruction: { parts: [{ text: 'You extract fields.' }] },
      generationConfig: { maxOutputTokens: 4000, temperature: 0.2, stopSequences: ['END'], thinkingConfig: { thinkingBudget: 0 } },
    });
  });

  it('forces a call for tool_choice tool and any, not for auto', () => {
    const tools = [{ name: 'a', input_schema: { type: 'object' } }, { name: 'b', input_schema: { type: 'object' } }];
    const messages = [{ role: 'user', content: 'x' }];
    expect(translateParams({ ...BASE, messages, tools, tool_choice: { type: 'tool', name: 'b' } }).request['toolConfig']).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['b'] },
    });
    expect(translateParams({ ...BASE, messages, tools, tool_choice: { type: 'any' } }).request['toolConfig']).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(translateParams({ ...BASE, messages, tools, tool_choice: { type: 'auto' } }).request['toolConfig']).toBeUndefined();
    expect(translateParams({ ...BASE, messages, tools }).request['tools']).toEqual([
      { functionDeclarations: [{ name: 'a', parametersJsonSchema: { type: 'object' } }, { name: 'b', parametersJsonSchema: { type: 'object' } }] },
    ]);
  });

  it('thinks only when thinking is enabled, within budget_tokens below max_tokens', () => {
    const messages = [{ role: 'user', content: 'x' }];
    const config = (thinking: unknown): unknown => translateParams({ ...BASE, messages, thinking }).request['generationConfig'];
    expect(config({ type: 'enabled', budget_tokens: 1024 })).toMatchObject({ thinkingConfig: { thinkingBudget: 1024 } });
    expect(config({ type: 'disabled' })).toMatchObject({ thinkingConfig: { thinkingBudget: 0 } });
    expect(refusal({ ...BASE, max_tokens: 1000, messages, thinking: { type: 'enabled', budget_tokens: 1024 } })).toContain('max_tokens');
    const tools = [{ name: 'a', input_schema: { type: 'object' } }];
    expect(refusal({ ...BASE, messages, tools, tool_choice: { type: 'any' }, thinking: { type: 'enabled', budget_tokens: 1024 } })).toBe(
      'tool_choice: Thinking may not be enabled when tool_choice forces tool use.',
    );
  });

  it('refuses what the API refuses, naming the field', () => {
    const messages = [{ role: 'user', content: 'x' }];
    expect(refusal({ ...BASE, messages, temperature: 1.5 })).toBe('temperature: Input should be less than or equal to 1');
    expect(refusal({ model: 'claude-sonnet-4-5', messages })).toBe('max_tokens: Field required');
    expect(refusal({ ...BASE, messages: [] })).toContain('messages');
    expect(refusal({ ...BASE, messages: [{ role: 'system', content: 'x' }] })).toBe("messages.0.role: Input should be 'user' or 'assistant'");
    expect(refusal({ ...BASE, messages, stream: true })).toContain('stream');
    expect(refusal({ ...BASE, messages: [{ role: 'user', content: [{ type: 'text', text: ' ' }] }] })).toContain('messages.0.content.0');
    const url = { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } };
    expect(refusal({ ...BASE, messages: [{ role: 'user', content: [url] }] })).toContain('messages.0.content.0.source.type');
    expect(refusal({ ...BASE, messages, tools: [{ type: 'bash_20250124', name: 'bash' }] })).toContain('tools.0.type');
    expect(refusal({ ...BASE, messages, tools: [{ name: 'a', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'b' } })).toContain('tool_choice.name');
  });
});
