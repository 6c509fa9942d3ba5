import { ByteReader, ByteWriter } from "../../datastore/_bytes.ts";
import { decodeValue, encodeValue, skipValue, TAG } from "../../datastore/_codec.ts";
import { float16ToNumber, numberToFloat16 } from "../../datastore/_float16.ts";
import {
  type ColumnSchema,
  INT64_MAX,
  INT64_MIN,
  isTuple,
  SwObject,
  tuple,
  type Value,
} from "../../datastore/mod.ts";
import { assert, assertEquals, assertThrows } from "./_helpers.ts";

function roundTrip(v: unknown, schema?: ColumnSchema): { value: Value; tag: number } {
  const w = new ByteWriter(16);
  const tag = encodeValue(w, v, schema);
  const bytes = w.bytes().slice();
  const r = new ByteReader(bytes);
  const value = decodeValue(r);
  assertEquals(r.pos, bytes.length, "decode consumed every byte");
  const s = new ByteReader(bytes);
  skipValue(s);
  assertEquals(s.pos, bytes.length, "skip consumed every byte");
  return { value, tag };
}

function bits64(x: number): bigint {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return v.getBigUint64(0);
}

function assertSameFloat(actual: unknown, expected: number): void {
  assert(typeof actual === "number", `expected a number, got ${String(actual)}`);
  assertEquals(bits64(actual), bits64(expected), `bits of ${actual} vs ${expected}`);
}

Deno.test("encodeValue() round-trips null, booleans, strings and bytes", () => {
  assertEquals(roundTrip(null), { value: null, tag: TAG.NULL });
  assertEquals(roundTrip(true), { value: true, tag: TAG.TRUE });
  assertEquals(roundTrip(false), { value: false, tag: TAG.FALSE });
  for (const s of ["", "a", "héllo wörld", "日本語", "😀 emoji", "x".repeat(300)]) {
    assertEquals(roundTrip(s), { value: s, tag: TAG.STRING });
  }
  // Every length around the short-ASCII path, all ASCII and with one wide char at each end.
  for (let n = 0; n <= 100; n++) {
    const ascii = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + (i * 7) % 95)).join(
      "",
    );
    for (const s of [ascii, `é${ascii}`, `${ascii}é`]) {
      assertEquals(roundTrip(s).value, s, `length ${s.length}`);
    }
  }
  const bytes = new Uint8Array([0, 1, 2, 255, 128]);
  const out = roundTrip(bytes);
  assertEquals(out.tag, TAG.BYTES);
  assert(out.value instanceof Uint8Array);
  assertEquals([...out.value], [...bytes]);
  assertEquals([...(roundTrip(new Uint8Array(0)).value as Uint8Array)], []);
});

Deno.test("encodeValue() round-trips integers: varint when safe, 8 bytes beyond 2^53", () => {
  for (const n of [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, 2 ** 31, -(2 ** 31), 2 ** 53 - 1]) {
    assertEquals(roundTrip(n), { value: n, tag: TAG.INT });
  }
  for (const n of [-(2 ** 52 + 1), -(2 ** 53 - 2), -(2 ** 53 - 1)]) {
    assertEquals(roundTrip(n), { value: n, tag: TAG.INT }, "large negatives stay exact");
  }
  assertEquals(roundTrip(42n), { value: 42, tag: TAG.INT }, "safe bigints read back as numbers");
  for (const n of [2n ** 53n, -(2n ** 53n), 2n ** 60n + 7n, INT64_MAX, INT64_MIN]) {
    assertEquals(roundTrip(n), { value: n, tag: TAG.INT64 });
  }
  assertThrows(() => roundTrip(INT64_MAX + 1n), RangeError, `${INT64_MAX + 1n}`);
  assertThrows(() => roundTrip(INT64_MIN - 1n), RangeError, "INT64");
});

Deno.test("encodeValue() with a schema stores every int width and checks its range", () => {
  const widths = [
    ["INT8", TAG.INT8, -128, 127],
    ["INT16", TAG.INT16, -32768, 32767],
    ["INT32", TAG.INT32, -2147483648, 2147483647],
  ] as const;
  for (const [type, tag, lo, hi] of widths) {
    for (const n of [lo, -1, 0, 1, hi]) {
      assertEquals(roundTrip(n, { type }), { value: n, tag }, `${type} ${n}`);
    }
    assertThrows(() => roundTrip(hi + 1, { type }), RangeError, `${hi + 1}`);
    assertThrows(() => roundTrip(lo - 1, { type }), RangeError, type);
    assertThrows(() => roundTrip(1.5, { type }), TypeError, "1.5");
    assertThrows(() => roundTrip("1", { type }), TypeError, '"1"');
  }
  assertEquals(roundTrip(5, { type: "INT64" }), { value: 5, tag: TAG.INT });
  assertEquals(roundTrip(INT64_MIN, { type: "INT64" }), { value: INT64_MIN, tag: TAG.INT64 });
  assertThrows(() => roundTrip(0.5, { type: "INT64" }), TypeError, "0.5");
});

Deno.test("encodeValue() keeps FLOAT64 bit for bit, including NaN, -0 and infinities", () => {
  const specials = [0.5, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 1e-300];
  for (const x of specials) {
    const out = roundTrip(x);
    assertEquals(out.tag, TAG.FLOAT64, `tag of ${x}`);
    assertSameFloat(out.value, x);
  }
  // Integral floats become INT unless -0; a FLOAT64 schema keeps them FLOAT64.
  assertEquals(roundTrip(3).tag, TAG.INT);
  const typed = roundTrip(3, { type: "FLOAT64" });
  assertEquals(typed, { value: 3, tag: TAG.FLOAT64 });
  // Integers beyond 2^53 as numbers are floats.
  assertEquals(roundTrip(2 ** 60), { value: 2 ** 60, tag: TAG.FLOAT64 });
});

Deno.test("encodeValue() keeps FLOAT32 and FLOAT16 bit for bit", () => {
  for (const x of [0, -0, 1.5, Math.fround(0.1), -Infinity, Infinity, NaN, Math.fround(3e38)]) {
    const out = roundTrip(x, { type: "FLOAT32" });
    assertEquals(out.tag, TAG.FLOAT32);
    assertSameFloat(out.value, x);
  }
  // 1, -0, max half (65504), smallest subnormal (2^-24), 1/3 rounded to half.
  const halves = [1, -0, 0, 65504, 2 ** -24, float16ToNumber(0x3555), Infinity, -Infinity, NaN];
  for (const x of halves) {
    const out = roundTrip(x, { type: "FLOAT16" });
    assertEquals(out.tag, TAG.FLOAT16);
    assertSameFloat(out.value, x);
  }
  assertEquals(numberToFloat16(1), 0x3c00);
  assertEquals(numberToFloat16(-2), 0xc000);
  assertEquals(numberToFloat16(65520), 0x7c00, "overflow rounds to Infinity");
  assertEquals(numberToFloat16(1 + 2 ** -11), 0x3c00, "ties round to even");
  assertThrows(() => roundTrip("1", { type: "FLOAT32" }), TypeError, "FLOAT32");
});

Deno.test("encodeValue() round-trips lists, packed float lists and tuples", () => {
  assertEquals(roundTrip([1, "a", null, [true]]), {
    value: [1, "a", null, [true]],
    tag: TAG.LIST,
  });
  assertEquals(roundTrip([]), { value: [], tag: TAG.LIST });
  const floats = roundTrip([1, 0.5, -0, NaN]);
  assertEquals(floats.tag, TAG.FLOAT64_LIST);
  const list = floats.value as number[];
  assertEquals(list.length, 4);
  [1, 0.5, -0, NaN].forEach((x, i) => assertSameFloat(list[i], x));
  const t = roundTrip(tuple(1, "x", tuple(2) as Value));
  assertEquals(t.tag, TAG.TUPLE);
  assert(isTuple(t.value), "a tuple reads back as a tuple");
  assert(isTuple((t.value as Value[])[2]), "nested tuples stay tuples");
  assertEquals([...(t.value as Value[])].length, 3);
  assert(!isTuple(roundTrip([1, 2]).value), "a list is not a tuple");
  const typed = roundTrip([1, 2], { type: "LIST", elementType: { type: "INT8" } });
  assertEquals(typed, { value: [1, 2], tag: TAG.LIST });
  const typedTuple = roundTrip([1, 2], { type: "TUPLE", elementType: { type: "INT16" } });
  assertEquals(typedTuple.tag, TAG.TUPLE);
  assert(isTuple(typedTuple.value));
});

Deno.test("encodeValue() round-trips Maps with non-string keys, objects and SwObjects", () => {
  const m = new Map<Value, Value>([[1, "one"], ["1", 1], [true, null], [2n ** 62n, [1]]]);
  const out = roundTrip(m);
  assertEquals(out.tag, TAG.MAP);
  assert(out.value instanceof Map);
  assertEquals([...out.value], [...m]);
  const nested = { a: 1, b: { c: [1, { d: "x" }], e: null }, "": "empty key" };
  assertEquals(roundTrip(nested), { value: nested, tag: TAG.DICT });
  assertEquals(roundTrip({}), { value: {}, tag: TAG.DICT });
  const link = new SwObject("LINK", { uri: "s3://b/a.png", size: 3, extra: new Map([[1, 2]]) });
  const obj = roundTrip(link);
  assertEquals(obj.tag, TAG.OBJECT);
  assert(obj.value instanceof SwObject);
  assertEquals(obj.value.pythonType, "LINK");
  assertEquals(obj.value.attributes, link.attributes);
  const typedMap = roundTrip(new Map([[1, 2]]), {
    type: "MAP",
    keyType: { type: "INT8" },
    valueType: { type: "FLOAT32" },
  });
  assertEquals(typedMap, { value: new Map([[1, 2]]), tag: TAG.MAP });
});

Deno.test("encodeValue() rejects values without a Starwhale type, naming them", () => {
  class Point {
    x = 1;
  }
  function namedFn() {}
  assertThrows(() => roundTrip(namedFn), TypeError, "function namedFn");
  assertThrows(() => roundTrip(Symbol("tag")), TypeError, "symbol Symbol(tag)");
  assertThrows(() => roundTrip(new Point()), TypeError, "Point object");
  assertThrows(() => roundTrip(new Date(0)), TypeError, "Date object");
  assertThrows(() => roundTrip(undefined), TypeError, "undefined");
  assertThrows(() => roundTrip([1, undefined]), TypeError, "undefined at index 1");
  assertThrows(() => roundTrip({ a: [() => 1] }), TypeError, "function");
  assertThrows(() => roundTrip(new Map([[1, Symbol("v")]])), TypeError, "symbol");
  assertThrows(() => roundTrip(1, { type: "STRING" }), TypeError, "STRING");
  assertThrows(() => roundTrip("x", { type: "UNKNOWN" }), TypeError, "UNKNOWN");
  assertThrows(() => roundTrip({}, { type: "OBJECT" }), TypeError, "OBJECT");
});

Deno.test("decodeValue() rejects an unknown tag with its offset", () => {
  assertThrows(() => decodeValue(new ByteReader(new Uint8Array([99]))), RangeError, "tag 99");
  assertThrows(() => skipValue(new ByteReader(new Uint8Array([0, 200]), 1)), RangeError, "200");
  assertThrows(() => decodeValue(new ByteReader(new Uint8Array([TAG.STRING, 5, 65]))), RangeError);
});

Deno.test("ByteWriter and ByteReader round-trip varints, zig-zags and strings", () => {
  const w = new ByteWriter(1);
  const ints = [0, 1, 127, 128, 16383, 16384, 2 ** 32, 2 ** 53 - 1];
  for (const n of ints) w.varint(n);
  for (const n of ints) w.zigzag(-n);
  w.string("ascii");
  w.string("ü".repeat(100));
  w.u32(0xdeadbeef);
  const r = new ByteReader(w.bytes().slice());
  for (const n of ints) assertEquals(r.varint(), n);
  for (const n of ints) assertEquals(r.zigzag(), n === 0 ? 0 : -n);
  assertEquals(r.string(), "ascii");
  assertEquals(r.string(), "ü".repeat(100));
  assertEquals(r.u32(), 0xdeadbeef);
  assertEquals(r.pos, r.end);
  const one = new ByteWriter();
  one.varint(300);
  assertEquals([...one.bytes()], [0xac, 0x02], "LEB128, low group first");
});
