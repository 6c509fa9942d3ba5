/**
 * The stack of a failed job, as `swcli -v job create` and `swcli job info` show it: read from
 * the job's log, where the runner writes the failing handler's error with its stack (and its
 * causes', pointing at the model package's own files) when the job fails.
 *
 * @module
 */

import { hasJobLogs, type Instance, type JobRecord, UnsupportedError } from "../../sdk/mod.ts";

/** Log lines read at most while looking for the stack. */
const MAX_LINES = 100_000;

/**
 * Finds the stack of a failed job in its log.
 *
 * @param instance The job's instance (a server that keeps no logs gives no stack).
 * @param job The job's record.
 * @returns The stack's lines (first the error, then `at ...` frames and causes), or `undefined`.
 */
export async function failureStack(
  instance: Instance,
  job: JobRecord,
): Promise<string[] | undefined> {
  if (job.status !== "FAIL" || !job.errorMessage || !hasJobLogs(instance)) return undefined;
  const message = job.errorMessage.split("\n")[0];
  let prefix: string | undefined;
  let stack: string[] | undefined;
  let n = 0;
  const lines = instance.jobLogs({ project: job.project, id: job.id });
  for await (const line of readable(lines)) {
    if (++n > MAX_LINES) break;
    // `<time> <step>#<replica> stderr: <text>`: the stack is written at once, so its lines share
    // the part before the text.
    const at = line.indexOf(" stderr: ");
    if (at < 0) continue;
    const head = line.slice(0, at + 9);
    const text = line.slice(at + 9);
    if (stack && head === prefix) stack.push(text);
    else if (text.endsWith(message) && /^\S*Error\b/.test(text)) {
      prefix = head;
      stack = [text];
    } else if (stack) break;
  }
  return stack && stack.length > 1 ? stack : undefined;
}

/** The lines, or none from a server that keeps no logs this client can read. */
async function* readable(lines: AsyncIterable<string>): AsyncIterable<string> {
  try {
    yield* lines;
  } catch (e) {
    if (!(e instanceof UnsupportedError)) throw e;
  }
}
