// RFC 9162 Merkle tree proofs with SHA-256 (ledger/FORMAT.md section 3).
// Hashes in, a verdict out: no I/O.

import { concat, equal } from "./bytes.js";
import { sha256 } from "./keys.js";

const MAX_PROOF = 64;

export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(1), left, right));
}

// RFC 9162 section 2.1.3.2: does `proof` show the leaf `leaf` at `index` in
// the tree of `size` leaves whose root is `root`? Returns why not, or
// undefined when it does.
export function inclusionFailure(
  index: bigint, size: bigint, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array,
): string | undefined {
  if (index >= size) return `index ${index} is not below the tree size ${size}`;
  if (proof.length > MAX_PROOF) return "the proof has too many hashes";
  if (proof.some((p) => p.length !== 32)) return "a proof hash is not 32 bytes";
  let fn = index, sn = size - 1n, r = leaf;
  for (const p of proof) {
    if (sn === 0n) return "the proof is too long";
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return "the proof is too short";
  return equal(r, root) ? undefined : "the proof leads to another root";
}
