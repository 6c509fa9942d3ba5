/**
 * Every command group of `swcli`, in help order.
 *
 * @module
 */

import type { Group } from "../command.ts";
import { DATASET_GROUP } from "./dataset.ts";
import { INSTANCE_GROUP } from "./instance.ts";
import { JOB_GROUP } from "./job.ts";
import { MODEL_GROUP } from "./model.ts";
import { PROJECT_GROUP } from "./project.ts";
import { SERVER_GROUP } from "./server.ts";
import { TABLE_GROUP } from "./table.ts";
import { UI_GROUP } from "./ui.ts";

/** The command groups. */
export const GROUPS: readonly Group[] = [
  INSTANCE_GROUP,
  PROJECT_GROUP,
  MODEL_GROUP,
  DATASET_GROUP,
  JOB_GROUP,
  TABLE_GROUP,
  SERVER_GROUP,
  UI_GROUP,
];
