/**
 * @module How a model name from a request, a config or a response is matched to a price-table entry: the `models/`
 * prefix is dropped, and a version tag after a known id falls back to that id.
 */

/**
 * A version tag after `<known id>-`: digits (`001`), a date (OpenAI's snapshots: `gpt-4.1-mini-2025-04-14`), `latest`, or `preview` / `exp` optionally followed by numeric date
 * parts (`preview-09-2025`, `preview-06-05`, `exp-03-25`). Anything else (`-image`, `-preview-tts`, `-lite`) names a
 * different model that may be priced differently, so it never falls back.
 */
const VERSION_TAG = /^(?:\d+|\d{4}-\d{2}-\d{2}|latest|(?:preview|exp)(?:-\d+)*)$/;

/** The model id without a leading `models/`, e.g. `models/gemini-2.5-flash` -> `gemini-2.5-flash`. */
export function normaliseModelId(model: string): string {
  return model.trim().replace(/^models\//, '');
}

/**
 * The known id that prices `model`, or undefined.
 *
 * 1. `model` without `models/` is looked up exactly.
 * 2. Otherwise, a known id `K` matches when `model` is `K-<version tag>` (see {@link VERSION_TAG}); the longest such
 *    `K` wins. So `gemini-2.5-flash-001` and `gemini-2.5-flash-preview-09-2025` are priced as `gemini-2.5-flash`, but
 *    `gemini-2.5-flash-image` and `gemini-2.5-flash-lite` are not.
 */
export function resolveModelId(model: string, knownIds: Iterable<string>): string | undefined {
  const id = normaliseModelId(model);
  let best: string | undefined;
  for (const known of knownIds) {
    if (known === id) return known;
    if (!id.startsWith(`${known}-`)) continue;
    if (!VERSION_TAG.test(id.slice(known.length + 1))) continue;
    if (best === undefined || known.length > best.length) best = known;
  }
  return best;
}
