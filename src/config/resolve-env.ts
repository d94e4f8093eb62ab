/** @module The parts of the config that come from flags and the environment, with their precedence. */
import { ConfigError } from '../shared/index.ts';
import { PROVIDER_NAMES, type ProviderName } from './config-schema.ts';

/** The environment variables the config reads. */
export type Env = Readonly<Record<string, string | undefined>>;

const present = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
};

/**
 * The provider: the `--provider` flag, then the file's `provider`. Neither is an error.
 */
export function resolveProvider(override: string | undefined, fromFile: ProviderName | undefined, shown: string): ProviderName {
  if (override !== undefined) {
    const name = override.trim();
    if (!(PROVIDER_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`--provider: expected one of ${PROVIDER_NAMES.join(', ')}, got ${JSON.stringify(override)}`);
    }
    return name as ProviderName;
  }
  if (fromFile === undefined) {
    throw new ConfigError(
      `invalid config: ${shown}: provider: missing; expected one of ${PROVIDER_NAMES.join(', ')} (or pass --provider)`,
    );
  }
  return fromFile;
}

/**
 * The API key: `GOOGLE_API_KEY`, then `GEMINI_API_KEY` (each trimmed; empty counts as unset), the same order as the
 * Gemini SDK. Never read from the config file, and never put in a message.
 */
export function resolveApiKey(env: Env): string | undefined {
  return present(env['GOOGLE_API_KEY']) ?? present(env['GEMINI_API_KEY']);
}

/** The environment variable {@link resolveApiKey} takes the key from (its name only), or undefined when none is set. */
export function apiKeyVariable(env: Env): 'GOOGLE_API_KEY' | 'GEMINI_API_KEY' | undefined {
  if (present(env['GOOGLE_API_KEY']) !== undefined) return 'GOOGLE_API_KEY';
  return present(env['GEMINI_API_KEY']) === undefined ? undefined : 'GEMINI_API_KEY';
}

/** The Gemini base URL: the file's `gemini.baseUrl`, then `GOOGLE_GEMINI_BASE_URL`, else undefined (the SDK default). */
export function resolveBaseUrl(fromFile: string | undefined, env: Env): string | undefined {
  if (fromFile !== undefined) return fromFile;
  const fromEnv = present(env['GOOGLE_GEMINI_BASE_URL']);
  if (fromEnv !== undefined && !/^https?:\/\/[^\s/]+/.test(fromEnv)) {
    throw new ConfigError('environment variable GOOGLE_GEMINI_BASE_URL: expected an http:// or https:// URL');
  }
  return fromEnv;
}

/**
 * The key and base URL of the provider `provider` names: OpenAI's from `OPENAI_API_KEY` and `OPENAI_BASE_URL` (the
 * variables the OpenAI SDK reads), Gemini's from {@link resolveApiKey} and {@link resolveBaseUrl}. A key is never
 * read from the config file.
 */
export function resolveProviderAccess(
  provider: ProviderName,
  geminiBaseUrlFromFile: string | undefined,
  env: Env,
): { apiKey: string | undefined; baseUrl: string | undefined } {
  if (provider === 'openai') return { apiKey: present(env['OPENAI_API_KEY']), baseUrl: httpUrlFromEnv('OPENAI_BASE_URL', env) };
  return { apiKey: resolveApiKey(env), baseUrl: resolveBaseUrl(geminiBaseUrlFromFile, env) };
}

function httpUrlFromEnv(variable: string, env: Env): string | undefined {
  const value = present(env[variable]);
  if (value !== undefined && !/^https?:\/\/[^\s/]+/.test(value)) {
    throw new ConfigError(`environment variable ${variable}: expected an http:// or https:// URL`);
  }
  return value;
}
