// Access tokens for the node's read calls (ledger/FORMAT.md section 9):
// PASETO v4.public signed with the caller's key, single-use, short-lived.

import { concat, hex, utf8 } from "../verify/bytes.js";
import { keyId, sign, type SigningKey } from "./keys.js";

const HEADER = "v4.public.";

// PASETO's PAE: le64(piece count), then le64(length) || piece for each.
function pae(...pieces: Uint8Array[]): Uint8Array {
  const le64 = (n: number) => Uint8Array.from({ length: 8 }, (_, i) => i < 4 ? (n >>> (8 * i)) & 0xff : 0);
  return concat(le64(pieces.length), ...pieces.flatMap((p) => [le64(p.length), p]));
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

// A token for the node whose log origin is `audience`, valid for 2 minutes.
export async function accessToken(key: SigningKey, audience: string, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const message = utf8(JSON.stringify({ aud: audience, iat, exp: iat + 120,
    jti: hex(crypto.getRandomValues(new Uint8Array(16))) }));
  const footer = utf8(JSON.stringify({ kid: hex(keyId(key)) }));
  const signature = await sign(key, pae(utf8(HEADER), message, footer, new Uint8Array()));
  return `${HEADER}${base64url(concat(message, signature))}.${base64url(footer)}`;
}
