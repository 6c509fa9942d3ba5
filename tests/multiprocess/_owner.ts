/**
 * A process that only owns a datastore directory: opens it with the durability mode given,
 * prints `ready`, and serves other processes until killed (or for at most a minute). Usage:
 * `deno run -A _owner.ts <dir> <durability>`
 *
 * @module
 */

import { Datastore, type Durability } from "../../datastore/mod.ts";

const [dir, durability] = Deno.args;
const ds = await Datastore.open(dir, { durability: durability as Durability });
// One write of its own, so that the WAL is open before any client writes.
await ds.update("own", [{ id: 1 }]);
console.log("ready");
// Bounded: a test that forgets to kill this process does not leave it running.
setTimeout(() => ds.close(), 60_000);
