// A presentation made in the worker's wallet (ledger/FORMAT.md section 7):
// the node's signed bundle, for one audience until a time, signed with the
// passport key; as bytes and as the SPP1: text that QR codes and links carry.

import { create, toBinary } from "@bufbuild/protobuf";
import {
  PresentationSchema, SignedPresentationSchema, type Disclosure, type SignedBundle,
} from "../gen/skillspassport/v1/passport_pb.js";
import { base64 } from "../verify/bytes.js";
import { pae } from "../verify/entry.js";
import { PRESENTATION_TYPE, TEXT_PREFIX } from "../verify/presentation.js";
import { keyId, sign, type SigningKey } from "./keys.js";

export async function makePresentation(key: SigningKey, bundle: SignedBundle, audience: string,
  expiresAt: Date, disclosure?: Disclosure, now = Date.now()): Promise<Uint8Array> {
  const presentation = toBinary(PresentationSchema, create(PresentationSchema, {
    bundle, audience, issuedAt: BigInt(Math.floor(now / 1000)),
    expiresAt: BigInt(Math.floor(expiresAt.getTime() / 1000)),
    nonce: crypto.getRandomValues(new Uint8Array(16)), disclosure,
  }));
  return toBinary(SignedPresentationSchema, create(SignedPresentationSchema, {
    presentation, keyId: keyId(key), signature: await sign(key, pae(PRESENTATION_TYPE, presentation)),
  }));
}

export const presentationText = (bytes: Uint8Array) => `${TEXT_PREFIX}${base64(bytes)}`;
