// The passport service this page comes from: its key (GET /node.vkey, also
// remembered for offline use).

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
