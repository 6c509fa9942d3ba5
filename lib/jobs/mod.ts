/**
 * How a job runs: inputs, plan, runner, launcher and the Worker that runs server jobs.
 *
 * @module
 */
export { resolveJobInputs } from "./inputs.ts";
export { WorkerLauncher } from "./launcher.ts";
export type { JobLauncher, WorkerLauncherOptions } from "./launcher.ts";
export { runJob } from "./runner.ts";
