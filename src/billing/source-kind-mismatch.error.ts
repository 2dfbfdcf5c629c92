/** A source name is already taken by a source of another kind (an upload to a cloud source). */
export class SourceKindMismatchError extends Error {
  constructor(
    readonly source: string,
    readonly kind: string,
    readonly wanted: string,
  ) {
    super(`source "${source}" is a ${kind} source; it cannot take ${wanted} data`);
    this.name = 'SourceKindMismatchError';
  }
}
