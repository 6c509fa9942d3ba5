/**
 * The Starwhale datastore value encoding, both ways: the plain form used in `updateTable` records
 * and untyped responses (values encoded by a column schema), and the typed form
 * (`{"type": ..., "value": ...}`) that `scanTable` returns by default.
 *
 * @example Round-trip a row value through both forms
 * ```ts
 * import { decodePlain, decodeTyped, encodePlain, encodeTyped, inferSchema } from "@starwhale/sdk/wire";
 * const value = [1, 2.5, "x"];
 * const schema = inferSchema(value);
 * console.assert(JSON.stringify(decodePlain(encodePlain(value, schema), schema)) === JSON.stringify(value));
 * console.assert(JSON.stringify(decodeTyped(encodeTyped(value))) === JSON.stringify(value));
 * ```
 *
 * @module
 */
export {
  chooseSchema,
  decodePlain,
  decodeTyped,
  encodePlain,
  encodeTyped,
  fitsSchema,
} from "./codec.ts";
export type { EncodeOptions, TypedValue } from "./codec.ts";
export { inferSchema, parseSchema, WIRE_TYPES } from "./schema.ts";
export type { WirePairSchema, WireSchema } from "./schema.ts";
export { decodeScalar, encodeScalar, rawScalar } from "./_scalar.ts";
export type { ColumnSchema, ColumnType, ScalarType, Value } from "../../datastore/mod.ts";
export { SwObject } from "../../datastore/mod.ts";
export { isScalarType } from "./_scalar.ts";
export { schemaKey } from "./schema.ts";
export { jobVo, pageInfo, projectVo, taskVo, USER_VO } from "./views.ts";
