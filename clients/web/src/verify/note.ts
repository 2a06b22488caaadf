// C2SP signed notes, tlog-checkpoints and tlog-cosignatures (ledger/FORMAT.md
// sections 4 and 8).

import { bigEndian, fromBase64, utf8 } from "./bytes.js";
import { validKeyName, verifySignature, type VerifierKey } from "./keys.js";

export interface NoteSignature {
  name: string;
  keyHash: number;
  signature: Uint8Array; // after the key hash
}

export interface SignedNote {
  text: string; // the signed text, ending in "\n"
  signatures: NoteSignature[];
}

export interface Checkpoint {
  origin: string;
  size: bigint;
  root: Uint8Array;
}

const MAX_NOTE_BYTES = 16_384;
const MAX_SIGNATURES = 100;
const SIGNATURE_PREFIX = "\u2014 "; // EM DASH, space

function textFailure(text: string): string | undefined {
  if (!text.endsWith("\n")) return "the text does not end with a newline";
  if (/[\x00-\x09\x0b-\x1f\x7f]/.test(text)) return "the text has a control character";
  return undefined;
}

// The note's text and signature lines, or why it is not a signed note. The
// signatures follow the last blank line.
export function parseNote(note: string): SignedNote | string {
  if (utf8(note).length > MAX_NOTE_BYTES) return "the note is too long";
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return "the note has no blank line before its signatures";
  const text = note.slice(0, split + 1);
  const bad = textFailure(text);
  if (bad) return bad;
  const block = note.slice(split + 2);
  if (!block.endsWith("\n")) return "the signatures do not end with a newline";
  const signatures: NoteSignature[] = [];
  for (const line of block.slice(0, -1).split("\n")) {
    if (signatures.length === MAX_SIGNATURES) return "the note has too many signatures";
    if (!line.startsWith(SIGNATURE_PREFIX)) return "a signature line does not start with an em dash";
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(" ");
    if (space < 0) return "a signature line has no key name";
    const name = rest.slice(0, space);
    if (!validKeyName(name)) return "a signature line has an invalid key name";
    const blob = fromBase64(rest.slice(space + 1));
    if (!blob || blob.length < 5) return "a signature is not base64 of a key hash and signature";
    signatures.push({ name, keyHash: Number(bigEndian(blob.subarray(0, 4))), signature: blob.subarray(4) });
  }
  return { text, signatures };
}

// Why `key` has not signed the note, or undefined if it has. The first line
// with the key's name and hash decides; lines by other keys are ignored.
export async function noteSignatureFailure(note: SignedNote, key: VerifierKey): Promise<string | undefined> {
  const line = note.signatures.find((s) => s.name === key.name && s.keyHash === key.keyHash);
  if (!line) return `the note has no signature by ${key.name}`;
  return await verifySignature(key.publicKey, utf8(note.text), line.signature)
    ? undefined
    : `the note's signature by ${key.name} does not verify`;
}

// A checkpoint's body: origin, tree size and root lines, then optional
// non-empty extension lines.
export function parseCheckpoint(text: string): Checkpoint | string {
  const bad = textFailure(text);
  if (bad) return bad;
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) return "a checkpoint has origin, size and root lines";
  const [origin, size, root] = lines;
  if (!origin) return "the checkpoint's origin is empty";
  if (!/^(0|[1-9][0-9]{0,19})$/.test(size) || BigInt(size) >= 2n ** 64n) {
    return "the tree size is not a canonical decimal number";
  }
  const rootHash = fromBase64(root);
  if (!rootHash || rootHash.length !== 32) return "the root is not base64 of 32 bytes";
  if (lines.slice(3).some((l) => l === "")) return "the checkpoint has an empty extension line";
  return { origin, size: BigInt(size), root: rootHash };
}

// The time (Unix seconds) of `witness`'s valid cosignature on the note, if
// any (C2SP tlog-cosignature/v1: key hash, then u64 time, then Ed25519 over
// "cosignature/v1\ntime <time>\n" and the checkpoint text).
export async function cosignatureTime(note: SignedNote, witness: VerifierKey): Promise<bigint | undefined> {
  for (const s of note.signatures) {
    if (s.name !== witness.name || s.keyHash !== witness.keyHash || s.signature.length !== 72) continue;
    const time = bigEndian(s.signature.subarray(0, 8));
    const message = utf8(`cosignature/v1\ntime ${time}\n${note.text}`);
    if (time < 2n ** 63n && await verifySignature(witness.publicKey, message, s.signature.subarray(8))) {
      return time;
    }
  }
  return undefined;
}
