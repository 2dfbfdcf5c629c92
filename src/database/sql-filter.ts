/** Builds a WHERE clause from optional conditions, numbering their bind parameters. */
export class SqlFilter {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** A condition with one `?` for its value. */
  add(sql: string, value: unknown): this {
    this.conditions.push(sql.replace('?', this.bind(value)));
    return this;
  }

  /** A condition without a value. */
  raw(sql: string): this {
    this.conditions.push(sql);
    return this;
  }

  /** Binds a value and returns its placeholder (`$n`). */
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}
