import type { TestProject } from "vitest/node";
import { chooseMongoLane } from "./mongo/choose-lane.js";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
    mongoLane: string;
    realMongo: boolean;
  }
}

/** Chooses the MongoDB lane once for the whole run, prints it, and shares the URI with every test file. */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const lane = await chooseMongoLane();
  console.log(
    `\nMongoDB lane: ${lane.name} — ${lane.description} (ready in ${Date.now() - started} ms)\n`,
  );
  project.provide("mongoUri", lane.uri);
  project.provide("mongoLane", lane.name);
  project.provide("realMongo", lane.realMongo);
  return async () => {
    await lane.stop();
  };
}
