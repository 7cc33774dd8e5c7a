/** A model artifact is missing, is not valid JSON, or does not match the schema this build reads. */
export class ModelArtifactError extends Error {
  override readonly name = 'ModelArtifactError';

  constructor(
    message: string,
    /** The object key (or artifact file name) at fault. */
    readonly key?: string,
    options?: { cause?: unknown },
  ) {
    super(key ? `${key}: ${message}` : message, options);
  }
}
