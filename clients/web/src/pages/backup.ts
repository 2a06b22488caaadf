// The hub's backup file: what a new phone needs to carry on the passport
// (the passport key's seed, the passport id, and the identity and salt the
// enrolment committed to), sealed under the worker's passphrase. The seed
// exists in clear only while a backup is sealed or opened: the phone keeps
// the key as a non-extractable WebCrypto key and the backup only sealed.
//
// File: UTF-8 JSON {"format": FORMAT, "kdf": {"name": "scrypt", "N", "r",
// "p", "salt": base64}, "iv": base64, "sealed": base64}; sealed =
// AES-256-GCM(key = scrypt(NFKC(passphrase), salt, N, r, p, 32), iv,
// additional data = FORMAT) of the JSON contents below, hex for bytes.

import { scryptAsync } from "@noble/hashes/scrypt.js";
import { base64, fromBase64, hex, utf8 } from "../verify/index.js";

const FORMAT = "skillspassport-hub-backup/v1";
// OWASP's scrypt minimum for passwords (2^17, 8, 1): about a second on a phone.
const KDF = { name: "scrypt", N: 2 ** 17, r: 8, p: 1 };
export const MIN_PASSPHRASE = 10;

export interface BackupContents {
  seed: Uint8Array; // the passport key's Ed25519 seed
  passportId: Uint8Array;
  organisationId: string; // who checked the identity
  identity?: string; // absent once erased, or after a rebinding
  salt?: Uint8Array;
}

const fromHex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));

async function aesKey(passphrase: string, salt: Uint8Array, kdf: typeof KDF): Promise<CryptoKey> {
  const raw = await scryptAsync(utf8(passphrase.normalize("NFKC")), salt, { N: kdf.N, r: kdf.r, p: kdf.p, dkLen: 32 });
  const key = await crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
  raw.fill(0);
  return key;
}

export async function sealBackup(contents: BackupContents, passphrase: string): Promise<Uint8Array> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = utf8(JSON.stringify({ seed: hex(contents.seed), passportId: hex(contents.passportId),
    organisationId: contents.organisationId, identity: contents.identity,
    salt: contents.salt && hex(contents.salt) }));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(FORMAT) as BufferSource },
    await aesKey(passphrase, salt, KDF), plain as BufferSource));
  plain.fill(0);
  return utf8(JSON.stringify({ format: FORMAT, kdf: { ...KDF, salt: base64(salt) }, iv: base64(iv),
    sealed: base64(sealed) }, null, 1));
}

// The contents, or which field is wrong and why.
export async function openBackup(file: Uint8Array, passphrase: string):
  Promise<BackupContents | { field: "file" | "passphrase"; message: string }> {
  let outer: { format?: string; kdf?: typeof KDF & { salt: string }; iv?: string; sealed?: string };
  try {
    outer = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(file));
  } catch {
    outer = {};
  }
  const salt = fromBase64(outer.kdf?.salt ?? ""), iv = fromBase64(outer.iv ?? ""), sealed = fromBase64(outer.sealed ?? "");
  const kdf = outer.kdf;
  if (outer.format !== FORMAT || !kdf || kdf.name !== "scrypt" || !salt || !iv || !sealed ||
      ![kdf.N, kdf.r, kdf.p].every(Number.isSafeInteger) || kdf.N > 2 ** 20 || kdf.r > 16 || kdf.p > 4) {
    return { field: "file", message: "This is not a skills passport backup file. Choose the file you saved when you set up your passport" };
  }
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: iv as BufferSource,
      additionalData: utf8(FORMAT) as BufferSource }, await aesKey(passphrase, salt, kdf), sealed as BufferSource));
  } catch {
    return { field: "passphrase", message: "The passphrase does not open this backup. Check it and try again" };
  }
  const c = JSON.parse(new TextDecoder().decode(plain)) as { seed: string; passportId: string; organisationId: string;
    identity?: string; salt?: string };
  plain.fill(0);
  return { seed: fromHex(c.seed), passportId: fromHex(c.passportId), organisationId: c.organisationId,
    identity: c.identity, salt: c.salt ? fromHex(c.salt) : undefined };
}
