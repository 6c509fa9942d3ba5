/**
 * Every command group of `swcli`, in help order.
 *
 * @module
 */

import type { Group } from "./command.ts";
import { DATASET_GROUP } from "./commands_dataset.ts";
import { INSTANCE_GROUP } from "./commands_instance.ts";
import { JOB_GROUP } from "./commands_job.ts";
import { MODEL_GROUP } from "./commands_model.ts";
import { PROJECT_GROUP } from "./commands_project.ts";
import { SERVER_GROUP } from "./commands_server.ts";
import { TABLE_GROUP } from "./commands_table.ts";

/** The command groups. */
export const GROUPS: readonly Group[] = [
  INSTANCE_GROUP,
  PROJECT_GROUP,
  MODEL_GROUP,
  DATASET_GROUP,
  JOB_GROUP,
  TABLE_GROUP,
  SERVER_GROUP,
];
