// The Verify page: an employer checks the presentation a worker shares with
// them, in this browser, against the passport services they trust.

import { RecordVerdict } from "../gen/skillspassport/v1/passport_pb.js";
import {
  COSIGNATURE_V1, ED25519, TEXT_PREFIX, fromText, hex, lapsesAfter, parseVerifierKey, verifyPresentation,
  type Refused, type Verified, type VerifierKey,
} from "../verify/index.js";
import { scanner } from "./qr.js";
import { loadServiceKey } from "./service.js";
import { byId, h, linkErrorSummary, showErrors as showFieldErrors, type FieldError } from "./ui.js";
import { day, describe, moment, verdictWords } from "./words.js";

const form = byId<HTMLFormElement>("verify-form");
const audience = byId<HTMLInputElement>("audience");
const pasted = byId<HTMLTextAreaElement>("presentation");
const file = byId<HTMLInputElement>("file");
const result = byId("result");
const keyForm = byId<HTMLFormElement>("key-form");
const newKey = byId<HTMLInputElement>("new-key");

// What this browser remembers between visits.
const store = {
  audience: "skp.audience", // the organisation the employer verifies as
  keys: "skp.trustedKeys", // keys the employer added (JSON list of strings)
};

// ---- trusted keys ----

let serviceKey: VerifierKey | undefined; // the key of the node serving this page

function addedKeys(): string[] {
  try {
    const keys: unknown = JSON.parse(localStorage.getItem(store.keys) ?? "[]");
    return Array.isArray(keys) ? keys.filter((k) => typeof k === "string") : [];
  } catch {
    return [];
  }
}

function trustedKeys(): VerifierKey[] {
  const added = addedKeys().map(parseVerifierKey).filter((k): k is VerifierKey => typeof k !== "string");
  return serviceKey ? [serviceKey, ...added] : added;
}

function renderKeys(): void {
  const row = (name: string, about: string, key?: VerifierKey) => h("div", { class: "nhsuk-summary-list__row" },
    h("dt", { class: "nhsuk-summary-list__key" }, name),
    h("dd", { class: "nhsuk-summary-list__value" },
      h("p", {}, key?.type === COSIGNATURE_V1 ? `${about}, a witness` : about),
      ...(key ? [h("p", { class: "nhsuk-body-s skp-key" }, key.text)] : [])),
    h("dd", { class: "nhsuk-summary-list__actions" }, ...(key && key !== serviceKey ? [removeButton(key)] : [])));
  byId("trusted-keys").replaceChildren(
    serviceKey ? row(serviceKey.name, "This page's service", serviceKey)
      : row("This page's service", "Its key is not available: you may be offline."),
    ...trustedKeys().filter((k) => k !== serviceKey).map((k) => row(k.name, "Added by you", k)));
}

function removeButton(key: VerifierKey): HTMLElement {
  const button = h("button", { class: "nhsuk-link", type: "button" },
    "Remove", h("span", { class: "nhsuk-u-visually-hidden" }, ` ${key.name}`));
  button.addEventListener("click", () => {
    localStorage.setItem(store.keys, JSON.stringify(addedKeys().filter((k) => k !== key.text)));
    renderKeys();
    newKey.focus();
  });
  return button;
}

keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = newKey.value.trim();
  const key = parseVerifierKey(text);
  if (!text) return showErrors([[newKey, "Enter the key of a passport service or witness"]]);
  if (typeof key === "string") return showErrors([[newKey, `Enter a key like name+1a2b3c4d+AbC...: ${key}`]]);
  if (trustedKeys().some((k) => k.text === key.text)) return showErrors([[newKey, "You already trust this key"]]);
  showErrors([]);
  localStorage.setItem(store.keys, JSON.stringify([...addedKeys(), key.text]));
  newKey.value = "";
  renderKeys();
});

// ---- errors: a summary linking to each field, and a message by the field ----

function showErrors(errors: FieldError[]): void {
  showFieldErrors(errors);
  if (errors.length) result.hidden = true;
}
linkErrorSummary();

// ---- verifying ----

// The presentation's bytes from the file or the pasted text (spaces and line
// breaks a mail program adds are dropped), or why they cannot be read.
async function presentationBytes(): Promise<Uint8Array | Refused> {
  let text = pasted.value;
  const chosen = file.files?.[0];
  if (chosen) {
    const bytes = new Uint8Array(await chosen.arrayBuffer());
    const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
    if (!start.startsWith(TEXT_PREFIX)) return bytes; // a binary SignedPresentation
    text = new TextDecoder().decode(bytes);
  }
  text = text.replace(/\s+/g, "");
  const bytes = fromText(text);
  if (bytes) return bytes;
  return {
    ok: false, code: "INVALID_ARGUMENT",
    message: text.startsWith(TEXT_PREFIX) ? "The passport code is incomplete or has been changed: copy it again."
      : `This is not a passport code: passport codes start with ${TEXT_PREFIX}`,
  };
}

async function verify(): Promise<void> {
  const errors: FieldError[] = [];
  const organisation = audience.value.trim();
  if (!organisation) errors.push([audience, "Enter your organisation's ID, like ODS:RY1"]);
  if (!pasted.value.trim() && !file.files?.length) {
    errors.push([pasted, "Paste the passport code, open a passport file or scan a QR code"]);
  }
  showErrors(errors);
  if (errors.length) return;
  localStorage.setItem(store.audience, organisation);
  const bytes = await presentationBytes();
  const keys = trustedKeys();
  show(bytes instanceof Uint8Array
    ? await verifyPresentation(bytes, { trustedNodes: keys.filter((k) => k.type === ED25519),
      witnesses: keys.filter((k) => k.type === COSIGNATURE_V1), audience: organisation, now: new Date() })
    : bytes);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void verify();
});
pasted.addEventListener("input", () => (file.value = ""));
file.addEventListener("change", () => (pasted.value = ""));

// ---- the result ----

const advice: Record<Refused["code"], string> = {
  INVALID_ARGUMENT: "Ask the worker to share their passport again.",
  UNAUTHENTICATED: "Do not rely on these records. Ask the worker to share their passport again, and check you trust the passport service it comes from (see below).",
  PERMISSION_DENIED: "Check your organisation's ID above, or ask the worker to share their passport with your organisation.",
  FAILED_PRECONDITION: "Do not rely on these records until the worker shares their passport again.",
};

function show(outcome: Verified | Refused): void {
  result.replaceChildren(...(outcome.ok ? verifiedView(outcome) : [
    h("div", { class: "skp-verdict skp-verdict--refused", "data-result": "REFUSED", "data-code": outcome.code },
      h("h2", { id: "result-heading" }, "Not accepted"),
      h("p", {}, outcome.message),
      h("p", {}, advice[outcome.code])),
  ]));
  result.hidden = false;
  result.focus();
}

function summaryRow(key: string, ...value: (Node | string)[]): HTMLElement {
  return h("div", { class: "nhsuk-summary-list__row" },
    h("dt", { class: "nhsuk-summary-list__key" }, key), h("dd", { class: "nhsuk-summary-list__value" }, ...value));
}

function verifiedView({ report, presentation, bundle, node, checkpoint, cosigners }: Verified): HTMLElement[] {
  const records = report.records;
  const notValid = records.filter((r) => r.verdict !== RecordVerdict.VALID).length;
  const heading = records.length === 0 ? "No records were shared"
    : records.length === 1 ? (notValid ? "The record is not valid" : "The record is valid")
    : notValid === 0 ? `All ${records.length} records are valid`
    : `${notValid} of ${records.length} records ${notValid === 1 ? "is" : "are"} not valid`;
  const identity = report.verifiedIdentity.length
    ? `${new TextDecoder().decode(report.verifiedIdentity)} (the identity checked when the passport was set up)`
    : "Not shared";
  const witnesses = cosigners.length
    ? cosigners.map((c) => `${c.witness.name} on ${moment(c.time)}`).join("; ")
    : "None of the witnesses you trust";
  return [
    h("div", { class: `skp-verdict${notValid ? " skp-verdict--warning" : ""}`, "data-result": notValid ? "SOME_NOT_VALID" : "VALID" },
      h("h2", { id: "result-heading" }, heading),
      h("p", {}, notValid ? "See why below. The other records are genuine and current, and were shared with your organisation."
        : "The records are genuine and current, and were shared with your organisation.")),
    h("dl", { class: "nhsuk-summary-list" },
      summaryRow("Passport", hex(report.passportId).replace(/(.{4})(?!$)/g, "$1 ")),
      summaryRow("Identity", identity),
      summaryRow("Shared with", report.audience),
      summaryRow("Shared on", moment(presentation.issuedAt)),
      summaryRow("Valid until", moment(report.expiresAt)),
      summaryRow("Checked against", `The public record of ${node.name}, holding ${checkpoint.size} records on ${moment(bundle.attestedAt)}`),
      summaryRow("Confirmed independently by", witnesses)),
    h("h3", {}, "The records"),
    h("ul", { class: "skp-records" }, ...records.map((r) => {
      const words = verdictWords[r.verdict] ?? { tag: "Unknown", colour: "grey" };
      // The name is the one the node's registry holds, vouched for by its
      // signature on the bundle; the id stays beside it to tell namesakes apart.
      const issuer = r.issuerName ? `${r.issuerName} (${r.issuer})` : r.issuer;
      const signer = issuer ? `, signed by ${issuer}` : r.record ? ", signed by the worker" : "";
      const lapse = r.record && lapsesAfter(r.record);
      const reason = r.verdict === RecordVerdict.VALID ? "Genuine and current: checked against the public record."
        : r.verdict === RecordVerdict.EXPIRED && lapse ? `It was valid until ${day(lapse)}.` : r.detail;
      return h("li", { class: "skp-record", "data-verdict": RecordVerdict[r.verdict] },
        h("p", {}, h("strong", { class: `nhsuk-tag nhsuk-tag--${words.colour}` }, words.tag)),
        h("p", { class: "nhsuk-u-font-weight-bold" }, `${r.record ? describe(r.record) : "A record that cannot be read"}${signer}`),
        h("p", { class: "nhsuk-body-s" }, reason));
    })),
  ];
}

// ---- scanning a QR code (only when asked: the camera never starts alone) ----

byId("scan-panel").replaceWith(scanner("scan", {
  hint: "Or scan the QR code on the worker's phone with this device's camera.",
  wanted: (text) => text.startsWith(TEXT_PREFIX),
  found: (text) => {
    pasted.value = text;
    file.value = "";
    void verify();
  },
}));

// ---- start ----

audience.value = localStorage.getItem(store.audience) ?? "";
navigator.serviceWorker?.register("sw.js").catch(() => undefined); // offline use is a bonus, not a need
serviceKey = await loadServiceKey();
renderKeys();
// /verify#SPP1:... verifies at load (or when such a link is followed); the
// fragment never reaches a server, and leaves the address bar so it stays out
// of the browser's history.
function verifyFragment(): void {
  let fragment = location.hash.slice(1);
  try {
    fragment = decodeURIComponent(fragment);
  } catch {
    // not percent-encoded: use it as it is
  }
  if (!fragment.startsWith(TEXT_PREFIX)) return;
  history.replaceState(null, "", location.pathname + location.search);
  pasted.value = fragment;
  file.value = "";
  void verify();
}
addEventListener("hashchange", verifyFragment);
verifyFragment();
document.body.classList.add("js-enabled"); // ready: keys loaded, handlers on
