// Protobuf parsing as C++ ParseFromString does it (see src/verify/wire.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "../../.build/lib.mjs";

const parse = (hex) => v.parse(v.SignedBundleSchema, new Uint8Array(Buffer.from(hex.replace(/ /g, ""), "hex")));

test("fields, unknown fields and repeats", () => {
  const b = parse("0a 02 6869 12 01 ff");
  assert.deepEqual([...b.bundle], [0x68, 0x69]);
  assert.deepEqual([...b.signature], [0xff]);
  assert.deepEqual([...parse("0a 01 01 0a 01 02").bundle], [2], "the last of a repeated scalar wins");
  assert.ok(parse("18 96 01 0a 00 25 01020304 29 0102030405060708 1b 08 01 1c"), "unknown varint, fixed, group");
  assert.deepEqual([...parse("08 05 12 01 ff").signature], [0xff], "a known field with the wrong wire type is unknown");
});

test("what C++ refuses", () => {
  for (const [name, hex] of Object.entries({
    "a length past the end": "0a 05 6869",
    "field number 0": "02 00",
    "wire type 7": "0f",
    "a stray end of group": "0c",
    "a mismatched end of group": "1b 24",
    "an 11-byte varint": "18 ffffffffffffffffffff01",
    "an unterminated varint": "18 ff",
  })) {
    assert.equal(parse(hex), undefined, name);
  }
});

test("messages end where their length says", () => {
  // Presentation.bundle (field 1) holding SignedBundle.signature whose length
  // runs past the sub-message into its parent (issued_at = 1).
  const outer = (inner) => Buffer.from(`0a${inner.length.toString(16).padStart(2, "0")}${Buffer.from(inner).toString("hex")}1801`, "hex");
  assert.ok(v.parse(v.PresentationSchema, outer([0x12, 0x01, 0xaa])));
  assert.equal(v.parse(v.PresentationSchema, outer([0x12, 0x03, 0xaa])), undefined);
});

test("strings must be UTF-8, and keep a byte order mark", () => {
  assert.equal(v.parse(v.PresentationSchema, Uint8Array.of(0x12, 0x02, 0xc3, 0x28)), undefined);
  assert.equal(v.parse(v.PresentationSchema, Uint8Array.of(0x12, 0x03, 0xef, 0xbb, 0xbf)).audience, "\ufeff");
});

test("packed and unpacked repeated enums", () => {
  const roles = (hex) => v.parse(v.OrganisationRegisteredSchema, new Uint8Array(Buffer.from(hex, "hex"))).roles;
  assert.deepEqual(roles("38013802"), [1, 2]);
  assert.deepEqual(roles("3a020102"), [1, 2]);
  assert.equal(v.parse(v.OrganisationRegisteredSchema, new Uint8Array(Buffer.from("3a030102", "hex"))), undefined);
});
