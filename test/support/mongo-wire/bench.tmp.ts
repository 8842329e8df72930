import { MongoClient } from "mongodb";
import { startWireServer } from "./server.js";

const server = await startWireServer();
const client = new MongoClient(server.uri);
await client.connect();
const c = client.db("t").collection("x");
let t0 = Date.now();
await c.insertMany(
  Array.from({ length: 5000 }, (_, i) => ({
    i,
    name: `n${i}`,
    tags: ["a", "b"],
    nested: { x: i },
  })),
);
console.log("insertMany 5000", Date.now() - t0);
t0 = Date.now();
for (let i = 0; i < 2000; i++) await c.insertOne({ j: i });
console.log("2000 insertOne", Date.now() - t0);
t0 = Date.now();
for (let i = 0; i < 500; i++) await c.findOne({ name: `n${i * 7}` });
console.log("500 findOne scan", Date.now() - t0);
t0 = Date.now();
const docs = await c.find({ i: { $lt: 100 } }).toArray();
for (const d of docs) await c.findOne({ _id: d._id });
console.log("100 findOne by _id", Date.now() - t0);
t0 = Date.now();
for (let i = 0; i < 200; i++) await c.countDocuments({ i: { $gt: i } });
console.log("200 countDocuments", Date.now() - t0);
t0 = Date.now();
for (let i = 0; i < 200; i++) await c.updateOne({ i }, { $set: { u: 1 } });
console.log("200 updateOne scan", Date.now() - t0);
t0 = Date.now();
await c.find({}).sort({ i: -1 }).limit(10).toArray();
console.log("sort", Date.now() - t0);
await client.close();
await server.stop();
