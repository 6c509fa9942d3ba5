/**
 * How a job runs: the checks and plan that create it, the in-process run of a standalone
 * instance, the Worker launcher of a server, the controls of running jobs and the settling of
 * jobs whose runner is gone.
 *
 * @module
 */
export {
  JOB_CONTROL_TABLE,
  JobControl,
  type JobControlRequest,
  nextCreatedTime,
  requestJobControl,
  runningJobs,
  withJobRecord,
} from "./control.ts";
export { WorkerLauncher } from "./launcher.ts";
export { copiedColumns, SYS_SCHEMA } from "./_sys_columns.ts";
export type { JobLauncher, WorkerLauncherOptions } from "./launcher.ts";
export { jobLogPath, runHere, scanExisting } from "./local.ts";
export { checkCreateOptions, refuseUnsupported } from "./options.ts";
export { settleAllOrphans, settleOrphans } from "./orphans.ts";
export { prepareJob } from "./plan.ts";
export type { PreparedJob } from "./plan.ts";
export { RunnerLock } from "./runner_lock.ts";
export { runJob } from "./runner.ts";
export { captureTask, JobLog, readJobLog, writeJobLog } from "./task_logs.ts";
export { jobTasksPath, readJobTasks, TaskBoard, writeJobTasks } from "./task_board.ts";
export type { TaskEvent } from "./task_board.ts";
