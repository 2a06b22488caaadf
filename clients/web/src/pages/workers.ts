// The employer's workers list (which passport each of its ASC-WDS worker ids
// holds) and those passports read with the organisation's key: what the
// desk's ASC-WDS import and export share.

import { Code, ConnectError } from "@connectrpc/connect";
import type { PassportView } from "../gen/skillspassport/v1/passport_pb.js";
import { accessToken } from "../sign/index.js";
import { passportService } from "./api.js";
import type { Desk } from "./desk.js";
import { refusalOf } from "./refusal.js";
import { loadServiceKey } from "./service.js";

const IN_FLIGHT = 8; // calls at once: the node batches them

// The workers list: UNIQUEWORKERID,PASSPORTID per line (a header line is allowed).
export function workers(text: string): Map<string, Uint8Array> | string {
  const map = new Map<string, Uint8Array>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const [worker = "", passport = ""] = line.split(",").map((f) => f.trim());
    if (!worker || /^UNIQUEWORKERID$/i.test(worker)) continue;
    const id = passport.replace(/\s+/g, "").toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) return `Line ${i + 1} of the workers list has no passport ID of 32 letters and numbers`;
    map.set(worker, Uint8Array.from(id.match(/../g)!, (b) => parseInt(b, 16)));
  }
  return map.size ? map : "The workers list is empty: give each UNIQUEWORKERID and its passport ID";
}

// Runs `act` on every item, `IN_FLIGHT` at a time.
export async function eachInParallel<T>(items: T[], act: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await act(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, lane));
}

let audience: Promise<string | undefined> | undefined; // the serving node's log origin, which tokens name

// Each worker's passport as of today, or why this organisation cannot read
// it, in words. Reading needs the worker's live permission (a consent grant
// to the organisation); each read carries a fresh single-use token.
export async function readPassports(desk: Desk, passports: Map<string, Uint8Array>): Promise<Map<string, PassportView | string>> {
  const api = passportService();
  const node = await (audience ??= loadServiceKey().then((key) => key?.name));
  const read = new Map<string, PassportView | string>();
  await eachInParallel([...passports], async ([worker, passportId]) => {
    if (!node) return void read.set(worker, "The passport service's key could not be loaded: reload the page");
    try {
      read.set(worker, await api.getPassport({ passportId },
        { headers: { authorization: `Bearer ${await accessToken(desk.key, node)}` } }));
    } catch (error) {
      // The node answers the same for a passport that does not exist, so as not to say which do.
      read.set(worker, error instanceof ConnectError && error.code === Code.PermissionDenied
        ? "Your organisation may not read this passport: the worker has not given it permission (they can from their phone), or the passport ID in your workers list is wrong"
        : refusalOf(error).sentence);
    }
  });
  return read;
}
