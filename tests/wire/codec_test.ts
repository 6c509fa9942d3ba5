import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { isTuple, SwObject, tuple, type Value } from "../../datastore/mod.ts";
import {
  chooseSchema,
  decodePlain,
  decodeScalar,
  decodeTyped,
  encodePlain,
  encodeScalar,
  encodeTyped,
  inferSchema,
  parseSchema,
  rawScalar,
  type WireSchema,
} from "../../lib/wire/mod.ts";

function tup(...items: Value[]): Value {
  return tuple(...items) as unknown as Value;
}

function hexOf(x: number, type: "FLOAT16" | "FLOAT32" | "FLOAT64"): string {
  return encodeScalar(x, type);
}

Deno.test("encodeScalar() writes fixed-width two's complement hex for every int width", () => {
  assertEquals(encodeScalar(-1, "INT8"), "ff");
  assertEquals(encodeScalar(127, "INT8"), "7f");
  assertEquals(encodeScalar(-128, "INT8"), "80");
  assertEquals(encodeScalar(16, "INT16"), "0010");
  assertEquals(encodeScalar(-2, "INT16"), "fffe");
  assertEquals(encodeScalar(10, "INT32"), "0000000a");
  assertEquals(encodeScalar(-1, "INT32"), "ffffffff");
  assertEquals(encodeScalar(10, "INT64"), "000000000000000a");
  assertEquals(encodeScalar(-(2n ** 63n), "INT64"), "8000000000000000");
  assertEquals(encodeScalar(2n ** 63n - 1n, "INT64"), "7fffffffffffffff");
  assertThrows(() => encodeScalar(128, "INT8"), RangeError, "128");
  assertThrows(() => encodeScalar(2n ** 63n, "INT64"), RangeError);
  assertThrows(() => encodeScalar(1.5, "INT32"), TypeError, "1.5");
  assertThrows(() => encodeScalar("1", "INT64"), TypeError, '"1"');
});

Deno.test("decodeScalar() pads short hex and sign-extends, INT64 becomes bigint only when unsafe", () => {
  assertEquals(decodeScalar("ff", "INT8"), -1);
  assertEquals(decodeScalar("1", "INT32"), 1);
  assertEquals(decodeScalar("fffe", "INT16"), -2);
  assertEquals(decodeScalar("000000000000000a", "INT64"), 10);
  assertEquals(decodeScalar("7fffffffffffffff", "INT64"), 2n ** 63n - 1n);
  assertEquals(decodeScalar("8000000000000000", "INT64"), -(2n ** 63n));
  assertEquals(decodeScalar("001fffffffffffff", "INT64"), Number.MAX_SAFE_INTEGER);
  assertThrows(() => decodeScalar("xyz", "INT32"), SyntaxError, "xyz");
  assertThrows(() => decodeScalar("100", "INT8"), SyntaxError, "INT8");
  assertThrows(() => decodeScalar(5, "INT8"), TypeError);
});

Deno.test("float scalars round-trip bit for bit, including NaN, -0 and infinities", () => {
  assertEquals(hexOf(1, "FLOAT32"), "3f800000");
  assertEquals(hexOf(1.5, "FLOAT32"), "3fc00000");
  assertEquals(hexOf(0.5, "FLOAT64"), "3fe0000000000000");
  assertEquals(hexOf(0.9, "FLOAT64"), "3feccccccccccccd");
  assertEquals(hexOf(1.5, "FLOAT16"), "3e00");
  assertEquals(hexOf(-0, "FLOAT64"), "8000000000000000");
  assertEquals(hexOf(NaN, "FLOAT64"), "7ff8000000000000");
  assertEquals(hexOf(Infinity, "FLOAT32"), "7f800000");
  for (const type of ["FLOAT16", "FLOAT32", "FLOAT64"] as const) {
    for (const x of [0, -0, 1, -2.5, NaN, Infinity, -Infinity, 0.25]) {
      const back = decodeScalar(encodeScalar(x, type), type) as number;
      assert(Object.is(back, x), `${type} ${x} came back as ${back}`);
    }
  }
  assertEquals(decodeScalar("3ff8000000000000", "FLOAT64"), 1.5);
});

Deno.test("BOOL, STRING and BYTES scalars use 1/0, the text itself and base64", () => {
  assertEquals(encodeScalar(true, "BOOL"), "1");
  assertEquals(decodeScalar("0", "BOOL"), false);
  assertThrows(() => decodeScalar("true", "BOOL"), SyntaxError, '"true"');
  assertEquals(encodeScalar("cat", "STRING"), "cat");
  assertEquals(encodeScalar(new Uint8Array([97, 98]), "BYTES"), "YWI=");
  assertEquals(decodeScalar("AAE=", "BYTES"), new Uint8Array([0, 1]));
  assertThrows(() => decodeScalar("%%%", "BYTES"), SyntaxError, "base64");
});

Deno.test("rawScalar() formats like a server answering rawResult", () => {
  assertEquals(rawScalar(1e10, "FLOAT64"), "1.0E10");
  assertEquals(rawScalar(1, "FLOAT32"), "1.0");
  assertEquals(rawScalar(0.5, "FLOAT64"), "0.5");
  assertEquals(rawScalar(1.5e-5, "FLOAT64"), "1.5E-5");
  assertEquals(rawScalar(NaN, "FLOAT64"), "NaN");
  assertEquals(rawScalar(-3, "INT8"), "-3");
  assertEquals(rawScalar(true, "BOOL"), "true");
  assertEquals(rawScalar(new TextEncoder().encode("hé"), "BYTES"), "hé");
});

Deno.test("inferSchema() picks the main element type and records sparse types like upstream", () => {
  assertEquals(inferSchema([1, "a", "b", 2.5]), {
    type: "LIST",
    elementType: { type: "STRING" },
    attributes: [{ type: "INT64", index: 0 }, { type: "FLOAT64", index: 3 }],
  });
  assertEquals(inferSchema(tup(1, "a")), {
    type: "TUPLE",
    elementType: { type: "INT64" },
    attributes: [{ type: "STRING", index: 1 }],
  });
  assertEquals(inferSchema(new Map<Value, Value>([["a", 1], [2, "b"]])), {
    type: "MAP",
    keyType: { type: "INT64" },
    valueType: { type: "STRING" },
    sparseKeyValuePairSchema: {
      "0": { keyType: { type: "STRING" }, valueType: { type: "INT64" } },
    },
  });
  assertEquals(inferSchema([]), { type: "LIST", elementType: { type: "UNKNOWN" } });
  assertEquals(inferSchema(-0).type, "FLOAT64");
  assertEquals(inferSchema(2 ** 70).type, "FLOAT64");
  assertEquals(inferSchema(3n).type, "INT64");
  assertThrows(() => inferSchema(2n ** 64n), RangeError);
  assertThrows(() => inferSchema(Symbol("s") as unknown as Value), TypeError, "symbol");
  assertThrows(() => inferSchema(new Date() as unknown as Value), TypeError, "Date");
});

const samples: [string, Value][] = [
  ["null", null],
  ["bool", true],
  ["int", -42],
  ["big int", 2n ** 62n],
  ["float", 0.1],
  ["negative zero", -0],
  ["NaN", NaN],
  ["infinity", -Infinity],
  ["string", "héllo"],
  ["bytes", new Uint8Array([0, 255, 7])],
  ["list", [1, 2, 3]],
  ["mixed list", [1, "a", 2.5, null, [true]]],
  ["tuple", tup(1, "x")],
  ["map", new Map<Value, Value>([[1, "a"], [2, "b"]])],
  ["string-key map", { a: 1, b: [2.5] }],
  ["mixed map", new Map<Value, Value>([["a", 1], [2, "b"]])],
  ["object", new SwObject("LINK", { uri: "s3://b/x", size: 16, extra: { k: "v" } })],
  ["nested", [new Map<Value, Value>([[1, tup(new Uint8Array([1]))]]), { x: null }]],
];

function same(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.join() === b.join();
  if (Array.isArray(a) && Array.isArray(b)) {
    return isTuple(a) === isTuple(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (a instanceof Map && b instanceof Map) {
    const ea = [...a], eb = [...b];
    return ea.length === eb.length &&
      ea.every(([k, v], i) => same(k, eb[i][0]) && same(v, eb[i][1]));
  }
  if (a instanceof SwObject && b instanceof SwObject) {
    return a.pythonType === b.pythonType && same(a.attributes, b.attributes);
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.join() === kb.join() &&
      ka.every((k) => same((a as Record<string, Value>)[k], (b as Record<string, Value>)[k]));
  }
  return a === b;
}

for (const [name, value] of samples) {
  Deno.test(`plain and typed encodings round-trip a ${name} value`, () => {
    const schema = inferSchema(value);
    const plain = JSON.parse(JSON.stringify(encodePlain(value, schema)));
    const back = decodePlain(plain, parseSchema(JSON.parse(JSON.stringify(schema))));
    assert(same(back, value), `plain: ${JSON.stringify(plain)}`);
    const typed = JSON.parse(JSON.stringify(encodeTyped(value)));
    assert(same(decodeTyped(typed), value), `typed: ${JSON.stringify(typed)}`);
  });
}

Deno.test("encodePlain() writes upstream's documented shapes", () => {
  const link: WireSchema = {
    type: "OBJECT",
    pythonType: "LINK",
    attributes: [{ name: "uri", type: "STRING" }, { name: "size", type: "INT64" }],
  };
  assertEquals(encodePlain(new SwObject("LINK", { uri: "s3://b/x", size: 16 }), link), {
    uri: "s3://b/x",
    size: "0000000000000010",
  });
  const probs: WireSchema = { type: "LIST", elementType: { type: "FLOAT32" } };
  assertEquals(encodePlain([0.5, 0.5], probs), ["3f000000", "3f000000"]);
  const map: WireSchema = { type: "MAP", keyType: { type: "INT8" }, valueType: { type: "STRING" } };
  assertEquals(encodePlain(new Map([[1, "x"]]), map), [["01", "x"]]);
  assertEquals(encodePlain(new Map([[1, "x"]]), map, { mapsAsObjects: true }), { "01": "x" });
  assertThrows(() => encodePlain("x", { type: "INT64" }), TypeError, '"x"');
});

Deno.test("decodePlain() accepts the older object form of a MAP", () => {
  const map: WireSchema = { type: "MAP", keyType: { type: "INT8" }, valueType: { type: "STRING" } };
  const back = decodePlain({ "01": "x", "02": "y" }, map) as Map<Value, Value>;
  assertEquals([...back], [[1, "x"], [2, "y"]]);
  assertThrows(() => decodePlain([["01"]], map), TypeError, "pair");
  assertThrows(() => decodePlain("x", { type: "LIST", elementType: { type: "INT8" } }), TypeError);
});

Deno.test("encodeTyped() keeps the column type a hint gives and falls back to inference", () => {
  assertEquals(encodeTyped(1, { hint: { type: "FLOAT64" } }), {
    type: "FLOAT64",
    value: "3ff0000000000000",
  });
  assertEquals(encodeTyped("1", { hint: { type: "FLOAT64" } }), { type: "STRING", value: "1" });
  assertEquals(encodeTyped(new Map([["k", 1]])), {
    type: "MAP",
    value: [{
      key: { type: "STRING", value: "k" },
      value: { type: "INT64", value: "0000000000000001" },
    }],
  });
  assertEquals(encodeTyped(2.5, { raw: true }), { type: "FLOAT64", value: "2.5" });
  assertEquals(chooseSchema([1], { type: "LIST", elementType: { type: "INT8" } }).elementType, {
    type: "INT8",
  });
  assertThrows(() => decodeTyped({ type: "WIDE", value: "1" }), TypeError, "WIDE");
  assertThrows(() => decodeTyped([1]), TypeError);
});

Deno.test("parseSchema() validates ColumnSchemaDesc JSON with the offending path", () => {
  assertEquals(parseSchema({ name: "m", type: "MAP", keyType: { type: "STRING" } }), {
    name: "m",
    type: "MAP",
    keyType: { type: "STRING" },
    valueType: { type: "UNKNOWN" },
  });
  assertThrows(() => parseSchema({ type: "INT128" }), TypeError, "INT128");
  assertThrows(
    () => parseSchema({ type: "LIST", elementType: { type: 5 } }, { path: "columnSchemaList[1]" }),
    TypeError,
    "columnSchemaList[1].elementType.type",
  );
  assertThrows(() => parseSchema({ type: "OBJECT" }), TypeError, "pythonType");
  assertThrows(
    () =>
      parseSchema({ type: "OBJECT", pythonType: "X", attributes: [{ name: "a b", type: "INT8" }] }),
    TypeError,
    "a b",
  );
  assertThrows(() => parseSchema({ type: "INT8" }, { named: true }), TypeError, "name");
});
