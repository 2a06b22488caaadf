// Calendar days, normalised as absl::CivilDay (the C++ verifier's EXPIRED test).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "../../.build/lib.mjs";

test("day numbers", () => {
  const d = (year, month, day) => v.dayNumber({ year, month, day });
  assert.equal(d(1970, 1, 1), 0);
  assert.equal(d(2000, 3, 1), 11017);
  assert.equal(d(2026, 3, 3), Date.UTC(2026, 2, 3) / 86_400_000);
  assert.equal(d(2026, 2, 30), d(2026, 3, 2), "day overflow carries");
  assert.equal(d(2026, 13, 1), d(2027, 1, 1), "month overflow carries");
  assert.equal(d(2026, 0, 0), d(2025, 11, 30), "zeros borrow");
  assert.equal(d(0, 0, 0), d(-1, 11, 30), "an unset date is long past");
  assert.ok(d(2147483647, 12, 31) > d(2200, 1, 1));
});
