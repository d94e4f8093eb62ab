/**
 * @module The fake provider's uploaded documents (PDFs, images): in memory, on the service's clock, expiring after
 * the fake's `fileExpiryMs` as its input files do.
 */
import { NotFoundError, type Clock } from '../../shared/index.ts';
import type { UploadedDocument } from '../batch-provider.ts';

interface StoredDocument {
  displayName: string;
  sizeBytes: number;
  createdAt: number;
}

/** Documents by name. */
export class FakeDocumentStore {
  readonly #clock: Clock;
  readonly #expiryMs: number | undefined;
  readonly #nextName: () => string;
  readonly #documents = new Map<string, StoredDocument>();

  /** `nextName` gives each new document its name (the service numbers files and jobs in one sequence). */
  constructor(clock: Clock, expiryMs: number | undefined, nextName: () => string) {
    this.#clock = clock;
    this.#expiryMs = expiryMs;
    this.#nextName = nextName;
  }

  /** Keeps an uploaded document. */
  store(displayName: string, sizeBytes: number): UploadedDocument {
    const name = this.#nextName();
    this.#documents.set(name, { displayName, sizeBytes, createdAt: this.#clock.now() });
    return this.#view(name);
  }

  /** The documents still alive whose display name starts with `prefix`. */
  list(prefix: string): UploadedDocument[] {
    return [...this.#documents.keys()]
      .map((name) => this.#view(name))
      .filter((file) => file.displayName?.startsWith(prefix) === true && (file.expiresAt === undefined || this.#clock.now() < file.expiresAt));
  }

  /** Forgets a document; one already gone is not an error. */
  delete(name: string): void {
    this.#documents.delete(name);
  }

  #view(name: string): UploadedDocument {
    const document = this.#documents.get(name);
    if (!document) throw new NotFoundError(`fake: no document ${name}`);
    return {
      name,
      uri: `fake://${name}`,
      displayName: document.displayName,
      sizeBytes: document.sizeBytes,
      expiresAt: this.#expiryMs === undefined ? undefined : document.createdAt + this.#expiryMs,
    };
  }
}
