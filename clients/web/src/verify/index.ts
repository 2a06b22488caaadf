// The presentation verifier: pure TypeScript, no DOM, usable in the page, a
// worker or Node. Written from ledger/FORMAT.md (see ../../FORMAT-GAPS.md).
export * from "./bytes.js";
export * from "./entry.js";
export * from "./keys.js";
export * from "./merkle.js";
export * from "./note.js";
export * from "./presentation.js";
export { parse } from "./wire.js";
