/** One usage charge the platform billed a customer (from `billing_records`), in minor units. */
export interface UsageCharge {
  at: Date;
  amount: number;
  description: string | null;
}
