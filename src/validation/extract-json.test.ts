import { describe, expect, it } from 'vitest';
import { extractJson } from './extract-json.ts';

const PAPER = { paper_metadata: { title: 'Soil K {fixation}', year: 2019 }, findings: [{ value: 1.5 }] };
const PAPER_JSON = JSON.stringify(PAPER, null, 2);

function expectOk(text: string) {
  const result = extractJson(text);
  if (!result.ok) return expect.unreachable(`expected ok, got: ${result.reason}`);
  return result;
}

function expectFailure(text: string): string {
  const result = extractJson(text);
  if (result.ok) return expect.unreachable(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.reason;
}

describe('extractJson', () => {
  it('parses plain JSON with no notes, surrounding whitespace included', () => {
    const result = expectOk(`\n  ${PAPER_JSON}\n`);
    expect(result.value).toEqual(PAPER);
    expect(result.notes).toEqual([]);
  });

  it('accepts a plain top-level array and scalar', () => {
    expect(expectOk('[{"a":1},{"a":2}]').value).toEqual([{ a: 1 }, { a: 2 }]);
    expect(expectOk('42').value).toBe(42);
  });

  it('strips a ```json fence and says so', () => {
    const result = expectOk(`\`\`\`json\n${PAPER_JSON}\n\`\`\``);
    expect(result.value).toEqual(PAPER);
    expect(result.notes).toEqual(['removed code fence (json)']);
  });

  it('strips a fence without a language', () => {
    const result = expectOk(`\`\`\`\n${PAPER_JSON}\n\`\`\`\n`);
    expect(result.value).toEqual(PAPER);
    expect(result.notes).toEqual(['removed code fence']);
  });

  it('strips a fence with the JSON on the same line', () => {
    expect(expectOk('```json {"a": 1}```').value).toEqual({ a: 1 });
  });

  it('accepts a fence that is never closed when the JSON inside is complete', () => {
    const result = expectOk('```json\n{"a": [1, 2]}\n');
    expect(result.value).toEqual({ a: [1, 2] });
    expect(result.notes).toEqual(['removed unclosed code fence (json)']);
  });

  it('removes prose before the JSON and counts it', () => {
    const prose = 'Here is the extracted data:';
    const result = expectOk(`${prose}\n${PAPER_JSON}`);
    expect(result.value).toEqual(PAPER);
    expect(result.notes).toEqual([`removed ${prose.length} characters of prose before the JSON`]);
  });

  it('removes prose after the JSON and counts it', () => {
    const prose = 'Let me know if you need anything else!';
    const result = expectOk(`${PAPER_JSON}\n\n${prose}`);
    expect(result.value).toEqual(PAPER);
    expect(result.notes).toEqual([`removed ${prose.length} characters of prose after the JSON`]);
  });

  it('removes prose on both sides of a fenced answer', () => {
    const result = expectOk(`Sure! Here you go:\n\`\`\`json\n${PAPER_JSON}\n\`\`\`\nHope this helps.`);
    expect(result.value).toEqual(PAPER);
    expect(result.notes).toEqual([
      'removed code fence (json)',
      'removed 18 characters of prose before the JSON',
      'removed 16 characters of prose after the JSON',
    ]);
  });

  it('respects braces, brackets, quotes and escapes inside strings', () => {
    const tricky = { note: 'a } and ] and \\" and {"x": [ inside', more: ['}', '{'] };
    const result = expectOk(`Result: ${JSON.stringify(tricky)} -- done {not json}`);
    expect(result.value).toEqual(tricky);
  });

  it('skips prose brackets and citations before the real JSON', () => {
    const result = expectOk(`[Note] As shown in [1], the values are {"k": [1, 2]} (see {braces}).`);
    expect(result.value).toEqual({ k: [1, 2] });
  });

  it('returns an array answer surrounded by prose', () => {
    expect(expectOk('The list: [{"id": 1}, {"id": 2}]. End.').value).toEqual([{ id: 1 }, { id: 2 }]);
    expect(expectOk('Tags: ["a", "b"]').value).toEqual(['a', 'b']);
  });

  it('finds the JSON after a fence that holds no JSON', () => {
    const result = expectOk('```python\nprint("hi")\n```\nAnswer: {"a": 1}');
    expect(result.value).toEqual({ a: 1 });
  });

  it('does not take a ``` inside a JSON string for a fence', () => {
    const value = { code: '```python\nprint(1)\n```' };
    expect(expectOk(`Output: ${JSON.stringify(value)}`).value).toEqual(value);
  });

  it('reports truncated JSON with the innermost unterminated structure and its position', () => {
    const text = '{"paper_metadata": {"title": "Soil"}, "findings": [{"value": 1.5}, {"value": ';
    const at = text.lastIndexOf('{');
    expect(expectFailure(text)).toBe(`the JSON is truncated (unterminated object at character ${at})`);
  });

  it('reports a string cut off mid-way', () => {
    const text = '```json\n{"summary": "The soil potassium was';
    const at = text.indexOf('"The');
    expect(expectFailure(text)).toBe(`the JSON is truncated (unterminated string at character ${at})`);
  });

  it('reports a truncated array and never returns a complete value nested inside the truncated one', () => {
    const text = 'Here: [{"a": 1}, {"b": 2}';
    expect(expectFailure(text)).toBe('the JSON is truncated (unterminated array at character 6)');
  });

  it('reports truncation inside a closed fence', () => {
    expect(expectFailure('```json\n{"a": {"b": 1}\n```')).toBe(
      'the JSON is truncated (unterminated object at character 8)',
    );
  });

  it('does not return a fragment of balanced JSON that does not parse', () => {
    const reason = expectFailure('Answer: {"a": {"b": 1}, "c": 2,}');
    expect(reason).toMatch(/^the JSON at character 8 does not parse: /);
  });

  it('finds a complete value inside a mismatched one, and stays fast on deeply mismatched text', () => {
    expect(expectOk('Results [see {"a": 1}} and more').value).toEqual({ a: 1 });
    expect(expectFailure(`${'['.repeat(200_000)}}`)).toBe('no JSON object or array found in the text');
  });

  it('says when there is no JSON at all', () => {
    expect(expectFailure('I cannot help with that request.')).toBe('no JSON object or array found in the text');
  });

  it('says when the text is empty or blank', () => {
    expect(expectFailure('')).toBe('the response text is empty');
    expect(expectFailure(' \n\t ')).toBe('the response text is only whitespace');
  });

  it('never evaluates code', () => {
    expect(expectFailure('{"a": (() => { throw 1 })()}')).toMatch(/does not parse/);
  });

  it('says which kinds of repair it made: fence, prose, both, or none', () => {
    expect(expectOk(PAPER_JSON).repairs).toEqual([]);
    expect(expectOk(`\`\`\`json\n${PAPER_JSON}\n\`\`\``).repairs).toEqual(['fence']);
    expect(expectOk(`\`\`\`json\n${PAPER_JSON}`).repairs).toEqual(['fence']);
    expect(expectOk(`Here it is: ${PAPER_JSON} Hope this helps.`).repairs).toEqual(['prose']);
    expect(expectOk(`Here it is:\n\`\`\`\n${PAPER_JSON}\n\`\`\``).repairs).toEqual(['fence', 'prose']);
  });
});
