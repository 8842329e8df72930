/** Two instances of the app, as behind a load balancer: one fake Slack, one database, two ports. */
import { type Harness, startHarness } from "../../support/app-harness.js";

export interface InstancePair {
  first: Harness;
  second: Harness;
  /** Stops both instances and drops the database they shared. */
  stop(): Promise<void>;
}

export async function startInstances(dbName: string): Promise<InstancePair> {
  const first = await startHarness({ mongo: { dbName } });
  const second = await startHarness({ mongo: { dbName }, slack: first.slack });
  return {
    first,
    second,
    async stop() {
      await second.stop();
      await first.db.dropDatabase().catch(() => {});
      await first.stop();
    },
  };
}
