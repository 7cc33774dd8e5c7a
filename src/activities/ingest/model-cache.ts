import type { ModelRegistry, TextClassifier } from '../../model';

/**
 * Loading a model parses its vocabulary, which costs far more than scoring one shard; a worker keeps
 * the few versions in use. Versions are immutable, so a cached entry is never stale.
 */
export class ModelCache {
  private readonly entries = new Map<string, Promise<TextClassifier>>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly capacity = 4,
  ) {}

  get(modelName: string, modelVersion: string): Promise<TextClassifier> {
    const id = `${modelName}@${modelVersion}`;
    const cached = this.entries.get(id);
    // Deleting and re-inserting marks the entry as most recently used.
    if (cached) this.entries.delete(id);
    const entry = cached ?? this.registry.load(modelName, modelVersion);
    if (!cached) entry.catch(() => this.entries.delete(id));
    this.entries.set(id, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }
}
