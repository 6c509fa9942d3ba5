import { describeError } from "../../lib/cli/errors.ts";
import { CommandFailed, UsageError } from "../../lib/cli/mod.ts";
import { HandlerError, NotFoundError } from "../../mod.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";

Deno.test("describeError() prints the SDK's errors as their message, exit code 1", () => {
  const r = describeError(new NotFoundError("job", "xm5", { project: "self" }));
  assertEquals(r, { text: "error: Cannot find job 'xm5' in project 'self'", exitCode: 1 });
  const input = describeError(new TypeError('Invalid project name "a b"'));
  assertEquals(input.text, 'error: Invalid project name "a b"');
});

Deno.test("describeError() keeps exit code 2 for usage errors and the code of CommandFailed", () => {
  assertEquals(describeError(new UsageError("Missing argument JOB", "job info")).exitCode, 2);
  assertEquals(describeError(new CommandFailed("Aborted")).exitCode, 1);
  assertEquals(describeError(new CommandFailed("stopped", 3)).exitCode, 3);
});

Deno.test("describeError() names a defect as unexpected and points at -v", () => {
  const r = describeError(new ReferenceError("fieldz is not defined"));
  assertEquals(r.exitCode, 1);
  assertEquals(
    r.text,
    "error: ReferenceError: fieldz is not defined (an unexpected error; run with -v for the stack)",
  );
  assertMatch(describeError("a string").text, /string thrown: a string \(an unexpected error/);
});

Deno.test("describeError() with verbose prints the stack and every cause", () => {
  const cause = new Error("inner reason");
  const r = describeError(new HandlerError("h:run", "boom", { cause }), {
    verbose: true,
  });
  const lines = r.text.split("\n");
  assertEquals(lines[0], "error: Handler 'h:run' failed: boom");
  assert(lines.some((l) => /^\s+at /.test(l)), r.text);
  assert(r.text.includes("Error: inner reason"), r.text);
});
