/**
 * @module One `/v1/responses` request (the Responses API, a batch endpoint per openai-node BatchCreateParams),
 * answered through the chat completions path: `instructions` and `input` (a string or input messages with
 * `input_text` parts) become messages, `text.format` becomes `response_format`, `max_output_tokens` the token
 * limit; the chat answer becomes a `response` object (openai-node `resources/responses`): a `message` output item
 * with `output_text`, a `reasoning` item first when the model reasoned, `status: incomplete` with
 * `incomplete_details.reason` for a cut or filtered answer, and Responses `usage`.
 */
import { sha256Hex } from '../../shared/index.ts';
import { isJsonObject, type JsonObject } from '../proto-json.ts';
import { answerChatCompletion, errorAnswer, type ChatAnswer, type ChatContext } from './chat-completions.ts';
import { responsesUsage } from './openai-wire.ts';

/** A Responses input part as the chat part it stands for (`input_image`, `input_file` carry the same data). */
function chatPartOf(part: unknown): unknown {
  if (!isJsonObject(part)) return part;
  if (part['type'] === 'input_text' || part['type'] === 'output_text') return { type: 'text', text: part['text'] };
  if (part['type'] === 'input_image') return { type: 'image_url', image_url: { url: part['image_url'] } };
  if (part['type'] === 'input_file') return { type: 'file', file: { filename: part['filename'], file_data: part['file_data'], file_id: part['file_id'] } };
  return part;
}

function messagesOf(body: JsonObject): JsonObject[] | ChatAnswer {
  const messages: JsonObject[] = [];
  if (typeof body['instructions'] === 'string') messages.push({ role: 'developer', content: body['instructions'] });
  const input = body['input'];
  if (typeof input === 'string') return [...messages, { role: 'user', content: input }];
  if (!Array.isArray(input)) return errorAnswer(400, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  for (const [index, item] of input.entries()) {
    if (!isJsonObject(item) || typeof item['role'] !== 'string') return errorAnswer(400, `Invalid 'input[${index}]': expected an input message with a role.`, `input[${index}]`, 'invalid_value');
    const content = item['content'];
    messages.push({ role: item['role'], content: Array.isArray(content) ? content.map(chatPartOf) : content });
  }
  return messages;
}

/** `text.format` → chat `response_format` (the Responses format is flat: `{type, name, schema, strict}`). */
function responseFormatOf(body: JsonObject): JsonObject | undefined {
  const text = body['text'];
  const format = isJsonObject(text) ? text['format'] : undefined;
  if (!isJsonObject(format)) return undefined;
  if (format['type'] === 'json_schema') return { type: 'json_schema', json_schema: { name: format['name'], schema: format['schema'], strict: format['strict'] } };
  if (format['type'] === 'json_object') return { type: 'json_object' };
  return undefined;
}

/** Responses function tools are flat (`{type, name, parameters}`); chat nests them under `function`. */
function chatToolsOf(body: JsonObject): JsonObject {
  const tools = Array.isArray(body['tools']) ? body['tools'].filter((tool): tool is JsonObject => isJsonObject(tool) && tool['type'] === 'function') : [];
  if (tools.length === 0) return {};
  const choice = body['tool_choice'];
  const toolChoice = isJsonObject(choice) && choice['type'] === 'function' ? { type: 'function', function: { name: choice['name'] } } : choice;
  return {
    tools: tools.map((tool) => ({ type: 'function', function: { name: tool['name'], parameters: tool['parameters'] } })),
    ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
  };
}

const INCOMPLETE: Readonly<Record<string, string>> = { length: 'max_output_tokens', content_filter: 'content_filter' };

/** Answers one Responses API body (never throws). */
export async function answerResponse(body: JsonObject, context: ChatContext): Promise<ChatAnswer> {
  const messages = messagesOf(body);
  if (!Array.isArray(messages)) return messages;
  const format = responseFormatOf(body);
  const chat: JsonObject = {
    model: body['model'],
    messages,
    ...(format === undefined ? {} : { response_format: format }),
    ...(body['max_output_tokens'] === undefined ? {} : { max_completion_tokens: body['max_output_tokens'] }),
    ...(body['temperature'] === undefined ? {} : { temperature: body['temperature'] }),
    ...(body['top_p'] === undefined ? {} : { top_p: body['top_p'] }),
    ...chatToolsOf(body),
  };
  const answer = await answerChatCompletion(chat, context);
  if (answer.statusCode !== 200 || answer.usage === undefined) return answer;
  const choice = (answer.body['choices'] as { message: { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }; finish_reason: string }[])[0];
  const reason = choice === undefined ? undefined : INCOMPLETE[choice.finish_reason];
  const hash = sha256Hex(`${context.seed}:${String(answer.body['id'])}`);
  const output: JsonObject[] = [];
  if (answer.usage.reasoning > 0) output.push({ id: `rs_${hash.slice(0, 48)}`, type: 'reasoning', summary: [] });
  for (const call of choice?.message.tool_calls ?? []) {
    output.push({ id: `fc_${call.id.slice('call_'.length)}`, type: 'function_call', status: 'completed', call_id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  if (choice?.message.content !== null && choice?.message.content !== undefined) {
    output.push({
      id: `msg_${hash.slice(16, 64)}`,
      type: 'message',
      status: reason === undefined ? 'completed' : 'incomplete',
      role: 'assistant',
      content: [{ type: 'output_text', text: choice.message.content, annotations: [], logprobs: [] }],
    });
  }
  const { usage } = answer;
  return {
    statusCode: 200,
    usage,
    body: {
      id: `resp_${hash.slice(0, 48)}`,
      object: 'response',
      created_at: context.created,
      status: reason === undefined ? 'completed' : 'incomplete',
      error: null,
      incomplete_details: reason === undefined ? null : { reason },
      instructions: body['instructions'] ?? null,
      max_output_tokens: body['max_output_tokens'] ?? null,
      model: body['model'],
      output,
      parallel_tool_calls: true,
      temperature: body['temperature'] ?? 1,
      top_p: body['top_p'] ?? 1,
      text: isJsonObject(body['text']) ? body['text'] : { format: { type: 'text' } },
      usage: responsesUsage(usage.prompt, usage.cached, usage.completion, usage.reasoning),
    },
  };
}
