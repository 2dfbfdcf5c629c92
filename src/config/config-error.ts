/** A configuration value is missing or wrong; names where (file:line or "environment") and the key. */
export class ConfigError extends Error {
  constructor(
    readonly where: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${where}: ${key}: ${reason}`);
    this.name = 'ConfigError';
  }
}
