/**
 * A compact set of 53-bit fingerprints of (tenant, id), used to find replayed records without a
 * database round trip for every new one. A hit is only a hint: the committer confirms it against
 * the store, so a fingerprint collision can never drop a record.
 *
 * Hand-rolled (open addressing over a Float64Array) because a JS Set of 10M strings costs about a
 * gigabyte, while this costs 16 bytes a record and needs no library.
 */
export function fingerprint(tenant: string, id: string): number {
  // cyrb53 (public domain), over tenant NUL id.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const s = `${tenant}\u0000${id}`;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const fp = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return fp === 0 ? 1 : fp;
}

export class FingerprintSet {
  private slots: Float64Array;
  private used = 0;

  constructor(capacity = 1 << 16) {
    let n = 1 << 4;
    while (n < capacity * 2) n <<= 1;
    this.slots = new Float64Array(n);
  }

  get size(): number {
    return this.used;
  }

  has(fp: number): boolean {
    const mask = this.slots.length - 1;
    let i = (fp % this.slots.length) & mask;
    for (;;) {
      const v = this.slots[i]!;
      if (v === 0) return false;
      if (v === fp) return true;
      i = (i + 1) & mask;
    }
  }

  add(fp: number): void {
    if ((this.used + 1) * 2 > this.slots.length) this.grow();
    if (this.insert(this.slots, fp)) this.used++;
  }

  private insert(slots: Float64Array, fp: number): boolean {
    const mask = slots.length - 1;
    let i = (fp % slots.length) & mask;
    for (;;) {
      const v = slots[i]!;
      if (v === 0) {
        slots[i] = fp;
        return true;
      }
      if (v === fp) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const v of old) if (v !== 0) this.insert(this.slots, v);
  }
}
