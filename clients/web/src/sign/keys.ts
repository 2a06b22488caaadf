// Signing keys held by WebCrypto (Ed25519). A private key is made or imported
// non-extractable, so no page script can read it back; it can only sign.
// CryptoKeys survive in IndexedDB as they are (store.ts).

import { concat, fromBase64 } from "../verify/bytes.js";
import { entryKeyId, noteKeyHash, validKeyName, ED25519 } from "../verify/keys.js";

export interface SigningKey {
  readonly privateKey: CryptoKey; // non-extractable
  readonly publicKey: Uint8Array; // 32 bytes
}

export const keyId = (key: SigningKey) => entryKeyId(key.publicKey);

export async function sign(key: SigningKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("Ed25519", key.privateKey, message as BufferSource));
}

// A fresh key made in this browser (the worker's passport key).
export async function generateKey(): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)) };
}

// PKCS #8 wrapping of an Ed25519 seed (RFC 8410): a fixed prefix, then the seed.
const PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
  0x04, 0x22, 0x04, 0x20);

// A key from its 32-byte seed. The seed goes in extractable only long enough
// to read the public key (WebCrypto derives it; a JWK's "x"), then the key is
// imported again non-extractable.
export async function importSeed(seed: Uint8Array): Promise<SigningKey> {
  const pkcs8 = concat(PKCS8_PREFIX, seed) as BufferSource;
  const open = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const { x } = await crypto.subtle.exportKey("jwk", open);
  const publicKey = fromBase64((x ?? "").replace(/-/g, "+").replace(/_/g, "/").padEnd(44, "="));
  if (!publicKey || publicKey.length !== 32) throw new Error("WebCrypto gave no public key");
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  return { privateKey, publicKey };
}

// A private key file (ledger/FORMAT.md section 1), one line:
// "PRIVATE+KEY+" name "+" hex8(key_hash) "+" base64(0x01 || seed).
// The key name and a seed, or why the text is not such a file.
export async function readKeyFile(text: string): Promise<{ name: string; key: SigningKey } | string> {
  const line = text.replace(/\r?\n$/, "");
  const match = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-fA-F]{8})\+(.+)$/.exec(line);
  if (!match) return "it is not a private key file (it should be one line starting PRIVATE+KEY+)";
  const [, name, hash, encoded] = match;
  const raw = fromBase64(encoded);
  if (!validKeyName(name) || !raw || raw.length !== 33 || raw[0] !== ED25519) {
    return "the key in the file is damaged";
  }
  const key = await importSeed(raw.subarray(1));
  raw.fill(0);
  if (noteKeyHash(name, ED25519, key.publicKey) !== parseInt(hash, 16)) return "the key in the file is damaged";
  return { name, key };
}
