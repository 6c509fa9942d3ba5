/**
 * The Starwhale datastore value encoding, both ways: the plain form used in `updateTable` records
 * and untyped responses (values encoded by a column schema), and the typed form
 * (`{"type": ..., "value": ...}`) that `scanTable` returns by default.
 *
 * @example Round-trip a row value through both forms
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePlain, decodeTyped, encodePlain, encodeTyped, inferSchema } from "@starwhale/sdk/wire";
 * const value = [1, 2.5, "x"];
 * const schema = inferSchema(value);
 * assert.deepEqual(decodePlain(encodePlain(value, schema), schema), value);
 * assert.deepEqual(decodeTyped(encodeTyped(value)), value);
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
export { inferSchema, MAX_SCHEMA_DEPTH, parseSchema, WIRE_TYPES } from "./schema.ts";
export type { WirePairSchema, WireSchema } from "./schema.ts";
export { decodeScalar, encodeScalar, rawScalar } from "./scalar.ts";
export type { ColumnSchema, ColumnType, ScalarType, Value } from "../../datastore/mod.ts";
export { SwObject } from "../../datastore/mod.ts";
export { isScalarType } from "./scalar.ts";
export { schemaKey } from "./schema.ts";
export { checkTableName, MAX_TABLE_NAME } from "./table_name.ts";
export type {
  DatasetInfoVo,
  DatasetVersionVo,
  DatasetVo,
  EventVo,
  ExposedLinkVo,
  JobVo,
  ModelInfoVo,
  ModelVersionVo,
  ModelVo,
  PageInfoVo,
  ProjectVo,
  RuntimeVersionVo,
  RuntimeVo,
  RunVo,
  StatisticsVo,
  StepSpecVo,
  SystemVersionVo,
  TaskProgressVo,
  TaskVo,
  TrashVo,
  UserVo,
} from "./views.ts";
export {
  jobEventVos,
  jobTaskVo,
  jobVo,
  pageInfo,
  projectVo,
  taskVo,
  trashVo,
  USER_VO,
} from "./write_views.ts";
export {
  datasetInfoVo,
  datasetVersionVo,
  datasetVo,
  modelInfoVo,
  modelStepSpecs,
  modelVersionVo,
  modelVo,
} from "./artifact_views.ts";
export type { ModelVersionFacts } from "./artifact_views.ts";
export {
  datasetRecord,
  datasetVersionRecord,
  jobRecord,
  modelRecord,
  modelVersionRecord,
  pageOf,
  taskRecords,
} from "./read_views.ts";
export type {
  ArtifactRef,
  DatasetRecord,
  JobRecord,
  JobStatus,
  ModelRecord,
  PageInfo,
} from "../sdk/instance.ts";
