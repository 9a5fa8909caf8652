/** A fixed-capacity buffer keeping the newest items: memory stays bounded whatever the input rate. */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`);
  }

  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  get size(): number {
    return this.items.length;
  }

  /** Items from newest to oldest. */
  *newestFirst(): IterableIterator<T> {
    const n = this.items.length;
    for (let k = 1; k <= n; k++) yield this.items[(this.next - k + n) % n];
  }
}
