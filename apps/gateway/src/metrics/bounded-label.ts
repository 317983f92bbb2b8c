/**
 * A Prometheus label whose values come from outside (a provider's error codes): the first
 * `limit` distinct values are kept, anything after that is counted as `other`, so no input can
 * grow the number of series without bound. Values are also cut to a short length.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly maxLength = 64,
  ) {}

  value(raw: string): string {
    const value = raw.length > this.maxLength ? raw.slice(0, this.maxLength) : raw;
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit || !/^[\w.:-]+$/.test(value)) return 'other';
    this.seen.add(value);
    return value;
  }
}
