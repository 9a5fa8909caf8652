// A memo for values keyed by subscriber-typed strings: the key space is unbounded, so
// memory is capped by keeping two generations and dropping the older one when the newer
// fills. Hits cost one or two Map lookups and allocate nothing.
export class BoundedCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly generationSize: number) {}

  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** Entries held: never more than twice the generation size. */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
