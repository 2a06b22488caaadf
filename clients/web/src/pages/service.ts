// The passport service this page comes from: its key (GET /node.vkey, also
// remembered for offline use) and its API through the generated Connect
// client, on the same origin.

import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { Passport } from "../gen/skillspassport/v1/passport_pb.js";
import { parseVerifierKey, type VerifierKey } from "../verify/index.js";

const REMEMBERED = "skp.serviceKey";

export async function loadServiceKey(): Promise<VerifierKey | undefined> {
  let text = localStorage.getItem(REMEMBERED) ?? "";
  try {
    const response = await fetch("node.vkey", { cache: "no-store" });
    if (response.ok) text = (await response.text()).trim();
  } catch {
    // Offline: keep the key remembered from an earlier visit.
  }
  const key = parseVerifierKey(text);
  if (typeof key === "string") return undefined;
  localStorage.setItem(REMEMBERED, text);
  return key;
}

export const passportService = () =>
  createClient(Passport, createConnectTransport({ baseUrl: location.origin, useBinaryFormat: true }));
