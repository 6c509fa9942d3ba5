/**
 * Small assertion helpers over `node:assert/strict`, shaped like the usual `assertX` family.
 *
 * @module
 */
import assertStrict from "node:assert/strict";

/** Fails unless `cond` is truthy. */
export function assert(cond: unknown, message?: string): asserts cond {
  assertStrict.ok(cond, message);
}

/** Deep strict equality. */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): void {
  assertStrict.deepStrictEqual(actual, expected, message);
}

/** Fails unless `fn` throws an instance of `type` whose message contains `includes`. */
export function assertThrows(
  fn: () => unknown,
  type: abstract new (...args: never[]) => Error,
  includes?: string,
): Error {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  return check(caught, type, includes);
}

/** Async form of {@link assertThrows}. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
  includes?: string,
): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  return check(caught, type, includes);
}

function check(
  caught: unknown,
  type: abstract new (...args: never[]) => Error,
  includes?: string,
): Error {
  if (caught === undefined) assertStrict.fail(`expected ${type.name} to be thrown, nothing was`);
  if (!(caught instanceof type)) {
    assertStrict.fail(`expected ${type.name}, got ${String(caught)}`);
  }
  if (includes !== undefined && !caught.message.includes(includes)) {
    assertStrict.fail(
      `expected the message to contain ${JSON.stringify(includes)}: ${caught.message}`,
    );
  }
  return caught;
}

/** Fails unless `actual` is a string matching the regular expression `expected`. */
export function assertMatch(actual: unknown, expected: RegExp, message?: string): void {
  assertStrict.equal(typeof actual, "string", message ?? `expected a string, got ${typeof actual}`);
  assertStrict.match(actual as string, expected, message);
}

/** Fails when `actual` and `expected` are deeply strictly equal. */
export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  assertStrict.notDeepStrictEqual(actual, expected, message);
}
