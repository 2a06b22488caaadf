// The Verify page in real Chromium (puppeteer-core, axe-core).
//
//   npm run test:browser -- TARGET PASSPORTD PASSPORT
//
// TARGET is either the base URL of a running front door (passportd's HTTP
// listener: pages at / and /verify, the node's key at /node.vkey, same
// origin), or a built app's directory (node build.mjs OUTDIR), which this test
// then serves itself with test/serve.mjs: with `Content-Security-Policy:
// default-src 'self'` and the scratch node's key at /node.vkey.
//
// The test starts its own passportd (PASSPORTD) in a scratch directory and
// tells Tom's story with the CLI (PASSPORT); every presentation it checks is
// made there. Against a front door the page trusts the serving node, so the
// test adds the scratch node's key through the page's "trust another" form.
//
// It checks: Tom's walkthrough presentation (19 valid records and his
// identity), pasted and opened as a file; a revoked record; a tampered
// presentation and one for another audience refused; /verify#SPP1:... at
// load; the error summary; keyboard-only use; adding and removing a key;
// the camera scanner starting and stopping (a fake camera); /verify offline
// once loaded; no Content-Security-Policy violation; no horizontal scrolling
// at 375 px; axe-core on every page and state (no serious or critical
// violations). It writes screenshots at 375 and 1280 px to $SKP_ARTIFACTS
// (default artifacts/, not committed) and prints the median time to verify a
// 10-record presentation in the page (paste to result shown, and the
// verification alone), with $SKP_PRESENTATION_BENCH (tests/bench's
// presentation_bench) the C++ verifier's time on the same presentation, and
// the bytes and time to interactive of a first visit. Chromium is $CHROMIUM,
// else /usr/bin/chromium.
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import puppeteer from "puppeteer-core";
import { serve } from "./serve.mjs";
import { present, startNode, walkthrough } from "./story.mjs";
import { b64, browserTestKit, ed25519Key, vkey } from "./support.mjs";

const [target, passportd, passport] = process.argv.slice(2);
if (!target || !passportd || !passport) {
  console.error("usage: node test/browser.mjs BASE_URL|OUTDIR PASSPORTD PASSPORT");
  process.exit(2);
}
const { root, artifacts, axeSource, failures, expect } = browserTestKit();
const text = (bytes) => `SPP1:${b64(bytes)}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const node = await startNode(passportd);
let server, browser;
try {
  // ---- presentations, from Tom's walkthrough ----
  const story = walkthrough(passport, node);
  const { records, trust, home } = story;
  const tom = [records.enrolment, ...records.standards, records.competency, records.delegation];
  const full = present(story, tom, trust, "--disclose-identity");
  const ten = present(story, tom.slice(1, 11), trust);
  const small = present(story, [records.competency], trust);
  const otherAudience = present(story, [records.competency], home);
  const tampered = full.slice();
  tampered[tampered.length - 1] ^= 1; // the worker's signature
  story.P("record", "status", "--key", story.file("home.key"), "--record", records.standards[0], "--change", "revoked",
    "--reason", "issued-in-error");
  const revoked = present(story, records.standards.slice(0, 2), trust);
  const fullFile = join(node.dir, "tom.presentation");
  writeFileSync(fullFile, full);

  const ownServer = statSync(target, { throwIfNoEntry: false })?.isDirectory();
  server = ownServer ? await serve(target, node.key) : { url: target.replace(/\/$/, "") };
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream"],
  });

  const watch = (page) => {
    page.on("console", (m) => m.type() === "error" && expect(false, `console error: ${m.text()}`));
    page.on("pageerror", (e) => expect(false, `page error: ${e.message}`));
    return page;
  };
  const page = watch(await browser.newPage());
  await page.setViewport({ width: 1280, height: 900 });
  const ready = () => page.waitForSelector("body.js-enabled");
  const result = () => page.evaluate(() => {
    const r = document.querySelector("#result [data-result]");
    return r && { result: r.dataset.result, code: r.dataset.code,
      verdicts: [...document.querySelectorAll("#result [data-verdict]")].map((e) => e.dataset.verdict),
      text: document.getElementById("result").innerText, focused: document.activeElement?.id };
  });
  const submit = async (audience, presentation) => {
    await page.evaluate((a, p) => {
      document.getElementById("result").replaceChildren();
      document.getElementById("audience").value = a;
      const area = document.getElementById("presentation");
      area.value = p;
      area.dispatchEvent(new Event("input"));
    }, audience, presentation);
    await page.click("#verify-form button[type=submit]");
    await page.waitForSelector("#result [data-result]");
    return result();
  };

  // axe-core (no serious or critical violations), no sideways scrolling at
  // 375 px, and screenshots at both widths.
  const audit = async (name) => {
    for (const width of [375, 1280]) {
      await page.setViewport({ width, height: 800 });
      await page.screenshot({ path: join(artifacts, `${name}-${width}.png`), fullPage: true });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(wide <= width, `${name}: ${wide} px wide at ${width} px`);
    }
    await page.setViewport({ width: 1280, height: 900 });
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`));
    expect(violations.length === 0, `${name}: axe: ${violations.join("; ")}`);
  };

  await page.goto(`${server.url}/`);
  expect(await page.$('a[href="verify"]'), "the landing page links to Verify");
  await audit("index");

  await page.goto(`${server.url}/verify`);
  await ready();
  const listed = () => page.$eval("#trusted-keys", (e) => e.innerText);
  const served = (await (await fetch(`${server.url}/node.vkey`)).text()).trim();
  expect((await listed()).includes(served), "the serving node's key is listed as trusted");
  // Adding and removing a key (a witness's, so it changes no verdict).
  const witness = vkey("witness.example", 4, ed25519Key().publicKey);
  await page.type("#new-key", witness);
  await page.click("#key-form button[type=submit]");
  expect((await listed()).includes("a witness"), "an added witness key is listed");
  await page.click("#trusted-keys button");
  expect(!(await listed()).includes(witness), "a removed key is gone");
  if (!ownServer) {
    await page.type("#new-key", node.key);
    await page.click("#key-form button[type=submit]");
  }
  await audit("verify");

  // Errors: the summary links to each field, which says what is wrong.
  await page.evaluate(() => (document.getElementById("audience").value = ""));
  await page.click("#verify-form button[type=submit]");
  const errors = await page.$$eval("#error-list a", (links) => links.map((a) => a.getAttribute("href")));
  expect(errors.join() === "#audience,#presentation", `the error summary links to the fields: ${errors}`);
  expect(await page.$("#audience-error"), "an error message by the audience field");
  expect(await page.evaluate(() => document.activeElement.id === "error-summary"), "the error summary takes focus");
  await audit("verify-errors");

  const walk = await submit(trust, text(full));
  expect(walk.result === "VALID" && walk.verdicts.length === 19 && walk.verdicts.every((v) => v === "VALID"),
    `Tom's walkthrough: 19 valid records (${walk.result}: ${walk.verdicts})`);
  expect(walk.text.includes("identity attributes checked in person"), "his identity is shown");
  expect(walk.text.includes("Care Certificate (2025) standard 7, Privacy and dignity: met on"), "records are in words");
  expect(walk.focused === "result", "the result takes focus");
  await audit("verify-valid");

  const someRevoked = await submit(trust, text(revoked));
  expect(someRevoked.result === "SOME_NOT_VALID" && someRevoked.verdicts.join() === "REVOKED,VALID",
    `a revoked record is shown revoked (${someRevoked.result}: ${someRevoked.verdicts})`);
  await audit("verify-revoked");
  const refusedTampered = await submit(trust, text(tampered));
  expect(refusedTampered.result === "REFUSED" && refusedTampered.code === "UNAUTHENTICATED",
    `a tampered presentation is refused (${refusedTampered.result} ${refusedTampered.code})`);
  await audit("verify-refused");
  const refusedAudience = await submit(trust, text(otherAudience));
  expect(refusedAudience.result === "REFUSED" && refusedAudience.code === "PERMISSION_DENIED",
    `one for another audience is refused (${refusedAudience.result} ${refusedAudience.code})`);

  // A file: the binary SignedPresentation.
  await page.evaluate(() => document.getElementById("result").replaceChildren());
  const input = await page.$("#file");
  await input.uploadFile(fullFile);
  await page.click("#verify-form button[type=submit]");
  await page.waitForSelector("#result [data-result]");
  const fromFile = await result();
  expect(fromFile.result === "VALID" && fromFile.verdicts.length === 19, `a presentation file verifies (${fromFile.result})`);

  // The camera starts only when asked, and stops (a fake camera: no QR code).
  expect(await page.$eval("#scan-box", (e) => e.hidden), "the scanner is off at first");
  await page.click("#scan-start");
  await page.waitForFunction(() => !document.getElementById("scan-box").hidden &&
    document.getElementById("scan-video").readyState >= 2);
  await page.click("#scan-stop");
  expect(await page.$eval("#scan-box", (e) => e.hidden), "the scanner stops");

  // /verify#SPP1:... verifies at load, then leaves the address bar.
  await page.goto("about:blank");
  await page.goto(`${server.url}/verify#${text(small)}`);
  await page.waitForSelector("#result [data-result]");
  const fromLink = await result();
  expect(fromLink.result === "VALID" && fromLink.verdicts.join() === "VALID", `a #SPP1: link verifies (${fromLink.result})`);
  expect(!page.url().includes("#"), "the fragment leaves the address bar");

  // The keyboard alone.
  await page.goto(`${server.url}/verify`);
  await ready();
  const tabTo = async (id) => {
    for (let i = 0; i < 40; i++) {
      if (await page.evaluate((x) => document.activeElement?.id === x, id)) return;
      await page.keyboard.press("Tab");
    }
    expect(false, `the keyboard reaches #${id}`);
  };
  await tabTo("audience");
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.type(trust);
  await tabTo("presentation");
  await page.keyboard.sendCharacter(text(small));
  await tabTo("scan-start");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#result [data-result]");
  const byKeyboard = await result();
  expect(byKeyboard.result === "VALID" && byKeyboard.focused === "result", `keyboard only: ${byKeyboard.result}`);

  // Offline, once loaded: the service worker serves the page, and the
  // serving node's key is remembered.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await ready();
  await page.setOfflineMode(true);
  await page.reload();
  await ready();
  const offline = await submit(trust, text(small));
  expect(offline.result === "VALID", `/verify works offline (${offline.result})`);
  await page.setOfflineMode(false);

  // ---- measurements ----
  // Paste to result shown, and in turn in the same page the verifier alone,
  // added as a script of its own (which the page's CSP would refuse).
  const verifier = await esbuild.build({ entryPoints: [join(root, "src/verify/index.ts")], bundle: true, write: false,
    format: "iife", globalName: "verifier", minify: true, target: "es2022", logLevel: "warning" });
  await page.setBypassCSP(true);
  await page.goto(`${server.url}/verify`);
  await ready();
  await page.addScriptTag({ content: verifier.outputFiles[0].text });
  const [times, verifyTimes] = await page.evaluate(async (t, key, audience) => {
    const area = document.getElementById("presentation"), out = document.getElementById("result");
    const button = document.querySelector("#verify-form button[type=submit]");
    const { fromText, parseVerifierKey, verifyPresentation } = window.verifier;
    const options = { trustedNodes: [parseVerifierKey(key)], audience, now: new Date() };
    const page = [], alone = [];
    for (let i = 0; i < 21; i++) {
      area.value = t;
      out.replaceChildren();
      const done = new Promise((resolve) => new MutationObserver((_, o) => {
        if (out.querySelector("[data-result]")) resolve(o.disconnect());
      }).observe(out, { childList: true }));
      let start = performance.now();
      button.click();
      await done;
      page.push(performance.now() - start);
      start = performance.now();
      const verified = await verifyPresentation(fromText(t), options);
      alone.push(performance.now() - start);
      if (!verified.ok || verified.report.records.length !== 10) return [page, []];
    }
    return [page, alone];
  }, text(ten), node.key, trust);
  await page.setBypassCSP(false);
  const tenResult = await result();
  expect(tenResult.verdicts.length === 10 && tenResult.result === "VALID", "the 10-record presentation is valid");
  expect(verifyTimes.length === 21, "the verifier alone finds the 10-record presentation valid");

  // The C++ verifier on the same bytes, when given presentation_bench.
  let cppMicros;
  if (process.env.SKP_PRESENTATION_BENCH) {
    const tenFile = join(node.dir, "ten.presentation");
    writeFileSync(tenFile, ten);
    const run = JSON.parse(execFileSync(process.env.SKP_PRESENTATION_BENCH, ["--benchmark_filter=BM_VerifyPresentationFile",
      "--benchmark_format=json", `--presentation=${tenFile}`, `--node-vkey=${node.key}`, `--audience=${trust}`],
    { encoding: "utf8" }));
    cppMicros = run.benchmarks[0].real_time;
  }

  // A first visit: nothing cached, no service worker yet.
  const firstVisit = async (conditions) => {
    const context = await browser.createBrowserContext();
    const fresh = watch(await context.newPage());
    const cdp = await fresh.createCDPSession();
    await cdp.send("Network.enable");
    if (conditions) await cdp.send("Network.emulateNetworkConditions", conditions);
    let bytes = 0;
    cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
    await fresh.goto(`${server.url}/verify`);
    await fresh.waitForSelector("body.js-enabled");
    const interactive = await fresh.evaluate(() => performance.now());
    await context.close();
    return { bytes, interactive };
  };
  const loopback = await firstVisit();
  const slow4g = await firstVisit({ offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });

  console.log("\nmeasurement                                         value");
  console.log(`verify a 10-record presentation in the page (median of ${times.length})  ${median(times).toFixed(1)} ms`);
  console.log(`  the verification alone (median of ${verifyTimes.length})                ${median(verifyTimes).toFixed(2)} ms`);
  if (cppMicros !== undefined) {
    console.log(`  the C++ verifier, same presentation (presentation_bench)  ${(cppMicros / 1000).toFixed(2)} ms`);
    console.log(`  ratio to C++: verification ${(median(verifyTimes) / (cppMicros / 1000)).toFixed(1)}, with rendering ${
      (median(times) / (cppMicros / 1000)).toFixed(1)}`);
  }
  console.log(`first visit to /verify: bytes transferred                ${loopback.bytes}`);
  console.log(`first visit: time to interactive, loopback               ${loopback.interactive.toFixed(0)} ms`);
  console.log(`first visit: time to interactive, slow 4G (150 ms, 1.6 Mb/s)  ${slow4g.interactive.toFixed(0)} ms`);
  console.log(`screenshots                                          ${artifacts}`);
} finally {
  await browser?.close();
  server?.close?.();
  await node.stop();
}
if (failures.length) {
  console.error(`\nFAIL: ${failures.length} check(s) failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("\nAll browser checks passed.");
