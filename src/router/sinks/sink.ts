/** What a destination implements: durable delivery of one in-order batch of a category's records. */
import type { OutRecord } from '../format.ts';

export interface DeliveryBatch {
  tenant: string;
  category: string;
  records: readonly OutRecord[];
}

export interface Sink {
  /**
   * Resolves only when the destination holds every record of the batch durably (as far as the
   * protocol lets us know); rejects otherwise, and the same batch is offered again later.
   */
  deliver(batch: DeliveryBatch): Promise<void>;
  close(): Promise<void>;
}
