/**
 * @starwhale/sdk: the Starwhale Job SDK for Deno.
 *
 * @module
 */
export * from "./datastore/mod.ts";
