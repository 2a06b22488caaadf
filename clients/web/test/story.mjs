// A passportd in a scratch directory and Tom's story (tests/walkthrough.sh)
// told through the `passport` CLI, shared by the agreement and browser tests.
// Dates are relative to today (UTC), so the story holds on any date.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

// Extra serve flags (e.g. --http-listen, --web-root) go to passportd; `web`
// is then the front door's base URL.
export const startNode = (passportd, ...flags) => startNodeIn(undefined, passportd, ...flags);

// The same over a data directory made beforehand (inside `dir`, as "data").
export async function startNodeIn(made, passportd, ...flags) {
  const dir = made ?? mkdtempSync(join(tmpdir(), "skp-web-"));
  // Its output goes to files: a pipe nobody drains while a test blocks on
  // the CLI would fill up and stall the node.
  const [out, err] = ["node.out", "node.err"].map((f) => openSync(join(dir, f), "w"));
  const node = spawn(passportd, ["serve", "--data-dir", join(dir, "data"), "--listen", "127.0.0.1:0", ...flags],
    { stdio: ["ignore", out, err] });
  let addr;
  // A node over a large data directory loads its projections first.
  for (let i = 0; i < 1200 && !addr; i++) {
    await new Promise((r) => setTimeout(r, 50));
    addr = /^listening (\S+)$/m.exec(readFileSync(join(dir, "node.out"), "utf8"))?.[1];
  }
  if (!addr) throw new Error(`passportd did not start: ${readFileSync(join(dir, "node.err"), "utf8")}`);
  const web = /^web (\S+?)(\/verify)?$/m.exec(readFileSync(join(dir, "node.out"), "utf8"))?.[1];
  const key = execFileSync(passportd, ["keys", "--data-dir", join(dir, "data")], { encoding: "utf8" }).trim();
  return {
    dir, addr, key, web,
    // The node flushes its store as it stops: remove its files once it has.
    async stop() {
      const exited = node.exitCode !== null || node.signalCode !== null
        ? Promise.resolve() : new Promise((resolve) => node.once("exit", resolve));
      node.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Runs the CLI; returns its stdout, or throws with its stderr.
export function cli(passport, ...args) {
  try {
    return execFileSync(passport, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (e) {
    throw new Error(`passport ${args.join(" ")}: ${e.stderr}`);
  }
}

// Tom's walkthrough up to his presentation to the trust: two organisations,
// a diabetes nurse, Tom's enrolment, his job at the care home, the 16
// standards of the 2025 Care Certificate, and (unless `nurse` is false, for a
// test where the nurse uses her own page) an assessment and a delegation.
// Returns a function to run more CLI commands against the node, the key
// files, and the record ids (19 records: all valid).
export function walkthrough(passport, node, { nurse = true } = {}) {
  const { dir, addr } = node;
  const file = (name) => join(dir, name);
  const P = (...args) => cli(passport, ...args, "--server", addr);
  const ids = (out) => out.split("\n").map((line) => line.split(" ")[1]);
  const keygen = (name) => cli(passport, "keygen", "--name", name, "--out", file(`${name}.key`));
  const gov = join(dir, "data/governance.key");
  const home = "CQC:1-1000000001", trust = "ODS:RY1";
  P("org", "register", "--key", gov, "--id", home, "--name", "Sunrise Care Home", "--sector", "adult-social-care",
    "--icb", "E54000008", "--place", "Liverpool", "--roles", "employer,identity-checker", "--org-vkey", keygen("home"));
  P("org", "register", "--key", gov, "--id", trust, "--name", "Community Health Trust", "--sector", "nhs",
    "--icb", "E54000008", "--place", "Liverpool", "--roles", "employer,identity-checker", "--org-vkey", keygen("trust"));
  P("professional", "register", "--key", file("trust.key"), "--org", trust, "--regulator", "nmc", "--number", "12A3456B",
    "--profession", "Diabetes specialist nurse", "--professional-vkey", keygen("nurse"));
  keygen("tom");
  writeFileSync(file("identity.txt"), "identity attributes checked in person");
  const [enrolment] = ids(P("enrol", "--key", file("tom.key"), "--org-key", file("home.key"), "--org", home,
    "--identity-file", file("identity.txt")));
  const tom = cli(passport, "passport-id", "--key", file("tom.key"));
  P("hire", "--key", file("home.key"), "--org", home, "--passport", tom, "--employment-id", "SCH-0042", "--job-role", "10",
    "--sector", "adult-social-care", "--icb", "E54000008", "--place", "Liverpool", "--fte", "1000", "--start", day(-200));
  const standards = ids(P("standard", "--key", file("home.key"), "--org", home, "--passport", tom, "--version", "2025",
    "--standards", "1-16", "--assessor", "senior care worker", "--method", "observation", "--date", day(-150)));
  if (!nurse) return { P, ids, file, tom, home, trust, records: { enrolment, standards } };
  const [competency] = ids(P("assess", "--key", file("nurse.key"), "--professional", "NMC:12A3456B", "--passport", tom,
    "--activity", "2", "--procedure", "subcutaneous insulin by pen", "--assessed", day(-100), "--reassess-by", day(265)));
  const [delegation] = ids(P("delegate", "--key", file("nurse.key"), "--professional", "NMC:12A3456B", "--regulator", "nmc",
    "--number", "12A3456B", "--profession", "Diabetes specialist nurse", "--passport", tom, "--delegation-id", "D-2026-017",
    "--activity", "2", "--procedure", "subcutaneous insulin by pen", "--person-ref", "P-7f3a", "--setting", home,
    "--conditions", "blood glucose checked first; no dose changes", "--supervision", "community diabetes team duty line",
    "--competency", competency, "--date", day(-99), "--review-by", day(80)));
  return { P, ids, file, tom, home, trust, records: { enrolment, standards, competency, delegation } };
}

// Tom's presentation of `records` for `audience`: the bytes of a
// SignedPresentation, made by the CLI (`passport present`).
export function present(story, records, audience, ...flags) {
  const out = story.file(`p-${Math.random().toString(36).slice(2)}.presentation`);
  story.P("present", "--key", story.file("tom.key"), "--records", records.join(","), "--audience", audience,
    "--out", out, ...flags);
  const bytes = new Uint8Array(readFileSync(out));
  rmSync(out);
  return bytes;
}
