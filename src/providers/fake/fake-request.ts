/**
 * @module The fake provider's request lines: the neutral request itself as canonical JSON (`{"key","request":{
 * content, generation, system?}}`), so engine tests read exactly what a stage asked for. Light: planning workers load
 * it through the registry.
 */
import { canonicalJson, withTextPart, type NeutralRequest } from '../../requests/index.ts';
import { InputError, errorMessage } from '../../shared/index.ts';
import type { RequestCodec } from '../request-codec.ts';
import { FAKE_PROVIDER_NAME } from './fake-service.ts';

/** The output guess when a request sets no `maxOutputTokens`. */
const FAKE_OUTPUT_TOKENS = 256;

function decodeFakeRequest(requestJson: string): NeutralRequest {
  let value: unknown;
  try {
    value = JSON.parse(requestJson);
  } catch (error) {
    throw new InputError('request', `is not JSON: ${errorMessage(error)}`);
  }
  const request = value as Partial<NeutralRequest> | null;
  if (typeof request !== 'object' || request === null || !Array.isArray(request.content) || typeof request.generation !== 'object') {
    throw new InputError('request', 'is not a fake request line (content and generation)');
  }
  return request as NeutralRequest;
}

/** The fake's codec. Tokens are a quarter of the line's characters, as the fake service counts usage. */
export const fakeRequestCodec: RequestCodec = {
  provider: FAKE_PROVIDER_NAME,
  encode: canonicalJson,
  decode: decodeFakeRequest,
  appendText: (requestJson, text) => canonicalJson(withTextPart(decodeFakeRequest(requestJson), text)),
  estimateTokens: (request) => ({
    input: Math.ceil(canonicalJson(request).length / 4),
    output: request.generation.maxOutputTokens ?? FAKE_OUTPUT_TOKENS,
  }),
};
