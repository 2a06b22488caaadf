// Builds the web app (DESIGN.md section 11).
//
//   node build.mjs OUTDIR   generate, type-check, bundle; write the pages to OUTDIR
//   node build.mjs --lib    generate, type-check, and bundle the verifier for
//                           Node into .build/ (what the tests import)
//
// Generated TypeScript (src/gen/, from ../../proto) is never committed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const bin = (name) => join(root, "node_modules/.bin", name);
function run(cmd, args) {
  try {
    execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
  } catch {
    console.error(`build: ${cmd.slice(cmd.lastIndexOf("/") + 1)} failed`);
    process.exit(1);
  }
}
const VERIFY_BUDGET_GZIP = 300 * 1024;
// The pages with a script of their own (src/pages/NAME.ts and NAME.html).
const SCRIPTED = ["verify", "desk", "hub", "professional", "workforce"];
const TITLES = { verify: "Verify a skills passport", desk: "Employer's desk", hub: "My skills passport",
  professional: "Registered professional's page", workforce: "Workforce dashboard" };

function generate() {
  const protoRoot = join(root, "../../proto");
  const protos = readdirSync(join(protoRoot, "skillspassport/v1"))
    .filter((f) => f.endsWith(".proto"))
    .map((f) => join(protoRoot, "skillspassport/v1", f));
  rmSync(join(root, "src/gen"), { recursive: true, force: true });
  mkdirSync(join(root, "src/gen"), { recursive: true });
  run("protoc", [`--plugin=protoc-gen-es=${bin("protoc-gen-es")}`, "--es_out=src/gen",
    "--es_opt=target=ts", "-I", protoRoot, ...protos]);
}

function typecheck() {
  run(bin("tsc"), ["-p", "tsconfig.json"]);
  run(bin("tsc"), ["-p", "tsconfig.sw.json"]);
}

// The verifier, the generated types and the pages' pure parts as one ES
// module for Node (tests).
async function buildLib() {
  await esbuild.build({
    entryPoints: [join(root, "test/lib.ts")],
    outfile: join(root, ".build/lib.mjs"),
    bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning", loader: { ".csv": "text" },
  });
}

const hash = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 10);

// NHS.UK frontend's stylesheet, made self-contained: the Frutiger web fonts it
// names live on assets.nhs.uk (licensed, not in the package), so their
// @font-face rules go and text falls back to Arial, as the design system does
// without them; icons are served from our own assets/ folder.
function stylesheet() {
  const nhsuk = readFileSync(join(root, "node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css"), "utf8")
    .replace(/@font-face\{[^}]*assets\.nhs\.uk[^}]*\}/g, "")
    .replace(/url\(\/assets\//g, "url(assets/");
  if (/https?:\/\//.test(nhsuk.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, ""))) {
    throw new Error("the NHS.UK stylesheet still refers to another origin");
  }
  return `${nhsuk}\n${readFileSync(join(root, "src/pages/app.css"), "utf8")}`;
}

function copyAssets(out, css) {
  const from = join(root, "node_modules/nhsuk-frontend/dist/nhsuk/assets/images");
  const used = new Set([...css.matchAll(/url\(assets\/images\/([^)]+)\)/g)].map((m) => m[1]));
  for (const icon of ["favicon.ico", "favicon.svg", "nhsuk-icon-180.png", "nhsuk-icon-mask.svg"]) used.add(icon);
  mkdirSync(join(out, "assets/images"), { recursive: true });
  for (const file of used) copyFileSync(join(from, file), join(out, "assets/images", file));
  return [...used].map((f) => `assets/images/${f}`);
}

async function buildWeb(out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const css = stylesheet();
  const cssFile = `app-${hash(css)}.css`;
  writeFileSync(join(out, cssFile), css);
  const assets = copyAssets(out, css);

  const result = await esbuild.build({
    entryPoints: Object.fromEntries(SCRIPTED.map((name) => [name, join(root, `src/pages/${name}.ts`)])),
    outdir: out, bundle: true, splitting: true, format: "esm", minify: true, target: "es2022",
    entryNames: "[name]-[hash]", chunkNames: "chunk-[hash]", loader: { ".csv": "text" },
    metafile: true, legalComments: "none", logLevel: "warning",
  });
  const outputs = result.metafile.outputs;
  const file = (path) => path.slice(path.lastIndexOf("/") + 1);
  const entry = (name) => Object.keys(outputs).find((p) => outputs[p].entryPoint?.endsWith(`src/pages/${name}.ts`));
  const staticImports = (p) => [p, ...outputs[p].imports.filter((i) => i.kind === "import-statement")
    .flatMap((i) => staticImports(i.path))];
  // What a page loads with import() when it needs it, beyond what it loaded.
  const onDemand = (p) => {
    const loaded = new Set(staticImports(p));
    const lazy = [...loaded].flatMap((q) => outputs[q].imports.filter((i) => i.kind === "dynamic-import"))
      .flatMap((i) => staticImports(i.path)).filter((q) => !loaded.has(q));
    return [...new Set(lazy)].map(file);
  };

  const pages = {
    "index.html": { title: "Skills passport", main: "src/pages/index.html", scripts: [] },
    ...Object.fromEntries(SCRIPTED.map((name) => [`${name}.html`, { title: TITLES[name], main: `src/pages/${name}.html`,
      scripts: [...new Set(staticImports(entry(name)))].map(file), lazy: onDemand(entry(name)) }])),
  };
  // Every page is the one layout around its own <main> content.
  const fragment = (path) => readFileSync(join(root, path), "utf8").replace(/^<!--.*-->\n/, "").replace(/\n$/, "");
  const layout = readFileSync(join(root, "src/pages/layout.html"), "utf8").replace(/^<!--.*-->\n/, "");
  // Parts several pages share, placed where a page names them.
  const parts = { "%ERROR_SUMMARY%": fragment("src/pages/error-summary.html"),
    "%SIGNING_TASKS%": fragment("src/pages/signing-tasks.html") };
  for (const [name, page] of Object.entries(pages)) {
    const main = Object.entries(parts).reduce((html, [mark, part]) => html.replace(mark, part), fragment(page.main));
    // The entry's chunks are named up front, so they load beside it rather than after it.
    const script = page.scripts.map((f, i) => i === 0 ? `  <script type="module" src="${f}"></script>\n`
      : `  <link rel="modulepreload" href="${f}">\n`).join("");
    const html = layout.replace("%TITLE%", page.title).replace("%SCRIPT%", script)
      .replace("%MAIN%", main).replaceAll("%CSS%", cssFile);
    writeFileSync(join(out, name), html);
  }

  // The service worker caches every file, so /verify works offline once loaded.
  const cached = ["./", ...SCRIPTED, cssFile, ...Object.keys(outputs).filter((p) => p.endsWith(".js")).map(file),
    ...assets];
  await esbuild.build({
    entryPoints: [join(root, "src/sw.ts")], outfile: join(out, "sw.js"), bundle: true, minify: true,
    format: "iife", target: "es2022", logLevel: "warning",
    define: { __CACHE__: JSON.stringify(`skp-${hash(cached.join() + Object.keys(outputs).join())}`),
      __FILES__: JSON.stringify(cached) },
  });

  // Every text file gzipped beside it, which the front door sends as it is
  // rather than compressing the file on each request.
  for (const f of readdirSync(out, { recursive: true }).filter((f) => /\.(html|js|css|svg)$/.test(f))) {
    writeFileSync(join(out, `${f}.gz`), gzipSync(readFileSync(join(out, f)), { level: 9 }));
  }

  // Sizes of what each page loads, and below it what it loads on demand (the
  // QR fallback decoder, only when scanning without BarcodeDetector; the
  // dashboard's charts, beside its first queries).
  const rows = [];
  const size = (files) => {
    const bytes = files.map((f) => readFileSync(join(out, f)));
    return [bytes.reduce((n, b) => n + b.length, 0), bytes.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0)];
  };
  for (const [name, page] of Object.entries(pages)) {
    rows.push([name, ...size([name, cssFile, ...page.scripts])]);
    if (page.lazy?.length) rows.push(["  + on demand", ...size(page.lazy)]);
  }
  console.log("page                       bytes     gzipped");
  for (const [name, raw, gz] of rows) console.log(`${name.padEnd(24)} ${String(raw).padStart(8)}  ${String(gz).padStart(10)}`);
  const verifyGzip = rows.find((r) => r[0] === "verify.html")[2];
  if (verifyGzip > VERIFY_BUDGET_GZIP) {
    throw new Error(`the Verify page loads ${verifyGzip} gzipped bytes; the budget is ${VERIFY_BUDGET_GZIP}`);
  }
}

const target = process.argv[2];
if (!target) {
  console.error("usage: node build.mjs OUTDIR | --lib");
  process.exit(2);
}
generate();
typecheck();
if (target === "--lib") await buildLib();
else await buildWeb(resolve(target));
