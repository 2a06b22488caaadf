// RFC 9162 inclusion proofs, against trees built in the test from the
// definitions (support.mjs mth and path).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "../../.build/lib.mjs";
import { leafHash, mth, path } from "../support.mjs";

const leaves = (n) => Array.from({ length: n }, (_, i) => Uint8Array.of(i, i >> 8));

test("the RFC 6962 / 9162 golden roots", () => {
  const d = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    .map((h) => new Uint8Array(Buffer.from(h, "hex")));
  assert.equal(Buffer.from(mth([])).toString("hex"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(Buffer.from(mth(d)).toString("hex"), "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  assert.equal(Buffer.from(mth(d.slice(0, 5))).toString("hex"), "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4");
  for (let m = 0; m < 8; m++) {
    assert.equal(v.inclusionFailure(BigInt(m), 8n, leafHash(d[m]), path(m, d), mth(d)), undefined);
  }
});

test("every leaf of every tree up to 40 leaves is proved", () => {
  for (let n = 1; n <= 40; n++) {
    const d = leaves(n), root = mth(d);
    for (let m = 0; m < n; m++) {
      assert.equal(v.inclusionFailure(BigInt(m), BigInt(n), leafHash(d[m]), path(m, d), root), undefined, `${m} of ${n}`);
    }
  }
});

test("wrong proofs fail", () => {
  for (const n of [1, 2, 3, 7, 8, 9, 31]) {
    const d = leaves(n), root = mth(d);
    for (let m = 0; m < n; m++) {
      const p = path(m, d), leaf = leafHash(d[m]);
      const fails = (...args) => assert.notEqual(v.inclusionFailure(...args), undefined, `${m} of ${n}: ${args.slice(0, 2)}`);
      fails(BigInt(m), BigInt(n), leafHash(Uint8Array.of(99, 99)), p, root);
      if (n > 1) fails(BigInt((m + 1) % n), BigInt(n), leaf, p, root);
      fails(BigInt(n), BigInt(n), leaf, p, root);
      fails(BigInt(m), BigInt(n), leaf, [...p, root], root);
      if (p.length) {
        fails(BigInt(m), BigInt(n), leaf, p.slice(1), root);
        fails(BigInt(m), BigInt(n), leaf, p.map((h, i) => (i === 0 ? Uint8Array.from(h, (b, j) => (j ? b : b ^ 1)) : h)), root);
        fails(BigInt(m), BigInt(n), leaf, [p[0].subarray(1), ...p.slice(1)], root);
      }
    }
  }
});

test("proofs of more than 64 hashes are refused", () => {
  const h = new Uint8Array(32);
  assert.match(v.inclusionFailure(0n, 2n ** 63n, h, new Array(65).fill(h), h), /too many/);
});
