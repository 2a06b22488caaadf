// Workforce query latency against DuckDB and PostgreSQL on the same facts
// (issues 4 and 16), measured in one run.
//
//   node tests/bench/workforce_vs_duckdb.mjs DATA_DIR [--runs 50]
//        [--as-of 2025-06-01] [--icb E54000008] [--no-postgres]
//
// DATA_DIR was written by workforce_load. workforce_bench loads the facts
// from its projection rows, times Supply (place x role, every ICS), and for
// one ICS Coverage, Expiring (90 days, by place) and Flows (between sectors,
// a year), then exports the live facts as CSV with those four tables
// published exactly. Both engines load the CSV with strings mapped to
// integer keys (no pre-aggregation), run the same SQL (distinct-people
// totals by GROUPING SETS), and must give exactly our numbers, cell by cell
// and total by total, or the run fails. DuckDB (@duckdb/node-api, in this
// process, 2 threads) is timed around each query with its rows read;
// PostgreSQL 15 (started on loopback, as issue 4's run did) by pgbench's
// per-transaction latencies. Prints one Markdown table.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: "string", default: "50" },
    "as-of": { type: "string", default: "2025-06-01" },
    icb: { type: "string", default: "E54000008" },
    "no-postgres": { type: "boolean", default: false },
  },
});
const data = positionals[0];
if (!data) {
  console.error("usage: node tests/bench/workforce_vs_duckdb.mjs DATA_DIR [--runs N] [--as-of YYYY-MM-DD] [--icb CODE] [--no-postgres]");
  process.exit(2);
}
const runs = Number(opts.runs);
const build = process.env.BUILD_DIR ?? join(root, "build");
// @duckdb/node-api is a devDependency of the web app, installed by npm ci there.
const require = createRequire(join(root, "clients/web/package.json"));
const { DuckDBInstance } = await import(require.resolve("@duckdb/node-api"));
const pgbin = ["/usr/lib/postgresql/15/bin", "/usr/local/bin"].find((d) => existsSync(join(d, "pg_ctl")));
const withPostgres = !opts["no-postgres"];
if (withPostgres && !pgbin) throw new Error("no PostgreSQL 15 (apt-get install postgresql-15), or give --no-postgres");

const work = mkdtempSync("/tmp/workforce-sql.");
chmodSync(work, 0o755); // PostgreSQL's user reads the CSV and writes its data here
const day = Math.round(Date.parse(`${opts["as-of"]}T00:00:00Z`) / 86_400_000);

// The same SQL for both engines. Days are numbers (days since 1970-01-01);
// `icb` is the ICS's integer key.
const load = (csv) => `
CREATE TABLE places AS SELECT (row_number() OVER (ORDER BY place))::int AS place_id, place AS name
  FROM (SELECT DISTINCT place FROM raw_geo) x;
CREATE TABLE icbs AS SELECT (row_number() OVER (ORDER BY icb_on))::int AS icb_id, icb_on AS code
  FROM (SELECT DISTINCT icb_on FROM raw_geo) x;
CREATE TABLE geo AS SELECT (row_number() OVER (ORDER BY g.stated_icb, g.place))::int AS geo_id,
  g.stated_icb, g.place, p.place_id, i.icb_id
  FROM raw_geo g JOIN places p ON p.name = g.place JOIN icbs i ON i.code = g.icb_on;
CREATE TABLE roles AS SELECT (row_number() OVER (ORDER BY role))::int AS role_id, role AS name
  FROM (SELECT role FROM raw_employment UNION SELECT need FROM raw_plans WHERE need NOT LIKE 'competency:%') x;
CREATE TABLE organisations AS SELECT (row_number() OVER (ORDER BY organisation))::int AS org_id, organisation AS name
  FROM (SELECT DISTINCT organisation FROM raw_employment) x;
CREATE TABLE holding_keys AS SELECT (row_number() OVER (ORDER BY key))::int AS key_id, key AS name,
  CASE WHEN key = 'care-certificate' THEN NULL WHEN key LIKE 'competency:%' THEN 1
       WHEN key LIKE 'delegation:%' THEN 2 ELSE 0 END AS kind
  FROM (SELECT key FROM raw_holdings UNION SELECT need FROM raw_plans WHERE need LIKE 'competency:%') x;
CREATE TABLE kinds (kind int, name text);
INSERT INTO kinds VALUES (0, 'credential'), (1, 'competency'), (2, 'delegation-review');
CREATE TABLE employment AS SELECT e.id::int AS id, e.passport, o.org_id, r.role_id, e.sector, g.geo_id, g.place_id,
  e.fte, e.start_day, e.end_day
  FROM raw_employment e JOIN organisations o ON o.name = e.organisation JOIN roles r ON r.name = e.role
  JOIN geo g ON g.stated_icb = e.stated_icb AND g.place = e.place
  ORDER BY g.geo_id, e.id;
CREATE TABLE holdings AS SELECT h.id::int AS id, h.passport, k.key_id, h.from_day, h.until_day, h.due_day
  FROM raw_holdings h JOIN holding_keys k ON k.name = h.key ORDER BY h.id;
CREATE TABLE plans AS SELECT g.geo_id, g.place_id, r.role_id, k.key_id, p.start_day, p.end_day, p.required_fte,
  p.issued_at, p.record_id
  FROM raw_plans p JOIN geo g ON g.stated_icb = p.stated_icb AND g.place = p.place
  LEFT JOIN roles r ON r.name = p.need LEFT JOIN holding_keys k ON k.name = p.need;
DROP TABLE raw_employment; DROP TABLE raw_holdings; DROP TABLE raw_plans; DROP TABLE raw_geo;
`;
const raw = `
CREATE TABLE raw_employment (id bigint, passport int, organisation text, role text, sector int,
  stated_icb text, place text, fte int, start_day int, end_day int);
CREATE TABLE raw_holdings (id bigint, passport int, key text, from_day int, until_day int, due_day int);
CREATE TABLE raw_plans (stated_icb text, place text, need text, start_day int, end_day int,
  required_fte bigint, issued_at bigint, record_id text);
CREATE TABLE raw_geo (stated_icb text, place text, icb_on text);
CREATE TABLE sectors (sector int, name text);
`;
const csvFiles = { raw_employment: "employment.csv", raw_holdings: "holdings.csv", raw_plans: "plans.csv",
  raw_geo: "geo.csv", sectors: "sectors.csv" };

// Each query returns rows: its keys (names, '*' in a total), then its measures.
const queries = (icb) => ({
  // Place x role over every ICS: distinct people and FTE, with each row's,
  // each column's and the grand total.
  supply: `
SELECT coalesce(p.name, '*'), coalesce(r.name, '*'), s.headcount, s.fte
FROM (SELECT place_id, role_id, count(DISTINCT passport) AS headcount, sum(fte) AS fte
      FROM employment WHERE start_day <= ${day} AND end_day >= ${day}
      GROUP BY GROUPING SETS ((place_id, role_id), (place_id), (role_id), ())) s
LEFT JOIN places p ON p.place_id = s.place_id LEFT JOIN roles r ON r.role_id = s.role_id`,
  // The ICS's plans in force (the latest issued per place and need),
  // against the people and FTE at that place in the planned role or holding
  // the planned competency; each need's ICS total counts a person once.
  coverage: `
WITH p AS (
  SELECT place_id, role_id, key_id, required_fte FROM (
    SELECT pl.place_id, pl.role_id, pl.key_id, pl.required_fte,
      row_number() OVER (PARTITION BY pl.place_id, pl.role_id, pl.key_id
                         ORDER BY pl.issued_at DESC, pl.record_id DESC) AS latest
    FROM plans pl JOIN geo g ON g.geo_id = pl.geo_id
    WHERE g.icb_id = ${icb} AND pl.start_day <= ${day} AND pl.end_day >= ${day}) x
  WHERE latest = 1),
e AS (
  SELECT e.passport, e.place_id, e.role_id, e.fte FROM employment e JOIN geo g ON g.geo_id = e.geo_id
  WHERE g.icb_id = ${icb} AND e.start_day <= ${day} AND e.end_day >= ${day}),
h AS (
  SELECT DISTINCT passport, key_id FROM holdings
  WHERE key_id IN (SELECT key_id FROM p) AND from_day <= ${day} AND until_day >= ${day}),
supplied AS (
  SELECT p.place_id, p.role_id, p.key_id, e.passport, e.fte FROM p JOIN e ON e.place_id = p.place_id AND e.role_id = p.role_id
  UNION ALL
  SELECT p.place_id, p.role_id, p.key_id, e.passport, e.fte FROM p JOIN e ON e.place_id = p.place_id
    JOIN h ON h.passport = e.passport AND h.key_id = p.key_id),
s AS (
  SELECT place_id, role_id, key_id, count(DISTINCT passport) AS headcount, sum(fte) AS fte FROM supplied
  GROUP BY GROUPING SETS ((place_id, role_id, key_id), (role_id, key_id))),
r AS (
  SELECT place_id, role_id, key_id, sum(required_fte) AS required FROM p
  GROUP BY GROUPING SETS ((place_id, role_id, key_id), (role_id, key_id)))
SELECT coalesce(pl.name, '*'), coalesce(ro.name, replace(k.name, 'competency:', 'activity:')),
  coalesce(s.headcount, 0), coalesce(s.fte, 0), r.required, r.required - coalesce(s.fte, 0)
FROM r LEFT JOIN s ON s.place_id IS NOT DISTINCT FROM r.place_id
  AND s.role_id IS NOT DISTINCT FROM r.role_id AND s.key_id IS NOT DISTINCT FROM r.key_id
LEFT JOIN places pl ON pl.place_id = r.place_id LEFT JOIN roles ro ON ro.role_id = r.role_id
LEFT JOIN holding_keys k ON k.key_id = r.key_id`,
  // Items falling due in 90 days held by people working in the ICS, by
  // place and kind: workers and items, each once per cell and total.
  expiring: `
SELECT coalesce(pl.name, '*'), coalesce(k.name, '*'), s.workers, s.items
FROM (
  SELECT e.place_id, hk.kind, count(DISTINCT h.passport) AS workers, count(DISTINCT h.id) AS items
  FROM holdings h JOIN holding_keys hk ON hk.key_id = h.key_id
  JOIN employment e ON e.passport = h.passport JOIN geo g ON g.geo_id = e.geo_id
  WHERE hk.kind IS NOT NULL AND h.from_day <= ${day} AND h.until_day >= ${day}
    AND h.due_day >= ${day} AND h.due_day <= ${day + 90}
    AND g.icb_id = ${icb} AND e.start_day <= ${day} AND e.end_day >= ${day}
  GROUP BY GROUPING SETS ((e.place_id, hk.kind), (e.place_id), (hk.kind), ())) s
LEFT JOIN places pl ON pl.place_id = s.place_id LEFT JOIN kinds k ON k.kind = s.kind`,
  // Each employment that ended in the year, and the same person's next one
  // (starting after it started, at most 31 days before it ended and at most
  // 365 after; the earliest, then the first loaded), either end in the ICS:
  // moves between sectors, and the distinct people who made them.
  flows: `
WITH next AS (
  SELECT e.passport, e.sector AS from_sector, e.geo_id AS from_geo, n.sector AS to_sector, n.geo_id AS to_geo,
    row_number() OVER (PARTITION BY e.id ORDER BY n.start_day, n.id) AS nth
  FROM employment e JOIN employment n ON n.passport = e.passport AND n.id <> e.id
    AND n.start_day > e.start_day AND n.start_day >= e.end_day - 31 AND n.start_day <= e.end_day + 365
  WHERE e.end_day >= ${day - 364} AND e.end_day <= ${day}),
moves AS (
  SELECT m.passport, m.from_sector, m.to_sector FROM next m
  JOIN geo gf ON gf.geo_id = m.from_geo JOIN geo gt ON gt.geo_id = m.to_geo
  WHERE m.nth = 1 AND (gf.icb_id = ${icb} OR gt.icb_id = ${icb}))
SELECT coalesce(f.name, '*'), coalesce(t.name, '*'), s.movements, s.people
FROM (SELECT from_sector, to_sector, count(*) AS movements, count(DISTINCT passport) AS people FROM moves
      GROUP BY GROUPING SETS ((from_sector, to_sector), (from_sector), (to_sector), ())) s
LEFT JOIN sectors f ON f.sector = s.from_sector LEFT JOIN sectors t ON t.sector = s.to_sector`,
});
const NAMES = ["supply", "coverage", "expiring", "flows"];

const percentiles = (ms) => {
  const v = [...ms].sort((a, b) => a - b);
  return [v[Math.floor(v.length / 2)], v[Math.min(v.length - 1, Math.floor(v.length * 0.99))]];
};
// Rows as "query|key|...|measure|..." lines, sorted, to compare with ours.
const canonical = (query, rows) => rows.map((r) => [query, ...r.map(String)].join("|")).sort();
const ours = {};
const agree = (engine, query, lines) => {
  const want = ours[query];
  const missing = want.filter((l) => !lines.includes(l)), extra = lines.filter((l) => !want.includes(l));
  if (missing.length || extra.length) {
    throw new Error(`${engine} ${query} disagrees with ours: ours only ${JSON.stringify(missing.slice(0, 5))}, ` +
      `${engine} only ${JSON.stringify(extra.slice(0, 5))} (${want.length} rows ours, ${lines.length} ${engine})`);
  }
  const total = want.find((l) => /^\w+\|\*\|\*\|/.test(l)) ?? want.find((l) => l.includes("|*|"));
  console.log(`${engine} ${query}: all ${want.length} rows, cells and totals, equal ours (e.g. ${total})`);
};

let pg;
try {
  // Ours, and the export.
  console.log(`ours: workforce_bench on ${data}, as of ${opts["as-of"]}, ICS ${opts.icb}, ${runs} runs`);
  const bench = execFileSync(join(build, "tests/bench/workforce_bench"), ["--data-dir", data, "--runs", String(runs),
    "--as-of", opts["as-of"], "--icb", opts.icb, "--export", work], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(bench);
  const timings = { ours: {}, duckdb: {}, postgres: {} };
  for (const [, q, p50, p99] of bench.matchAll(/^RESULT (\w+) ([\d.]+) ([\d.]+)$/gm)) timings.ours[q] = [+p50, +p99];
  for (const line of readFileSync(join(work, "ours.txt"), "utf8").split("\n").filter(Boolean)) {
    (ours[line.split("|")[0]] ??= []).push(line);
  }
  for (const q of NAMES) ours[q] = (ours[q] ?? []).sort();

  // DuckDB, in this process.
  const duck = await (await DuckDBInstance.create(":memory:", { threads: "2" })).connect();
  await duck.run("SET threads = 2");
  let started = performance.now();
  await duck.run(raw);
  for (const [table, file] of Object.entries(csvFiles)) {
    await duck.run(`COPY ${table} FROM '${join(work, file)}' (FORMAT csv, HEADER false)`);
  }
  await duck.run(load());
  console.log(`duckdb: loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const duckIcb = Number((await duck.runAndReadAll(`SELECT icb_id FROM icbs WHERE code = '${opts.icb}'`)).getRows()[0]?.[0]);
  if (!duckIcb) throw new Error(`no ICS ${opts.icb} on ${opts["as-of"]}`);
  const duckQueries = queries(duckIcb);
  for (const q of NAMES) {
    const rows = (await duck.runAndReadAll(duckQueries[q])).getRows();
    agree("duckdb", q, canonical(q, rows));
    for (let i = 0; i < 3; i++) await duck.runAndReadAll(duckQueries[q]);
    const ms = [];
    for (let i = 0; i < runs; i++) {
      started = performance.now();
      await duck.runAndReadAll(duckQueries[q]);
      ms.push(performance.now() - started);
    }
    timings.duckdb[q] = percentiles(ms);
  }
  duck.closeSync?.();

  if (withPostgres) {
    // A throwaway PostgreSQL 15 on loopback, configured as in issue 4's run.
    const port = 55432;
    const asPostgres = (cmd, args) => process.getuid() === 0 ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
    // The server runs as PostgreSQL's user, its clients as ours.
    const run = (cmd, args, input, server = false) => {
      const [c, a] = server ? asPostgres(cmd, args) : [cmd, args];
      const r = spawnSync(c, a, { input, encoding: "utf8", maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    const pgdata = join(work, "pgdata");
    mkdirSync(pgdata);
    if (process.getuid() === 0) execFileSync("chown", ["postgres", pgdata]);
    run(join(pgbin, "initdb"), ["-D", pgdata, "-A", "trust", "-U", "bench", "--locale=C"], undefined, true);
    run(join(pgbin, "pg_ctl"), ["-D", pgdata, "-l", join(pgdata, "server.log"), "-w", "-o",
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${pgdata} -c shared_buffers=4GB -c work_mem=256MB ` +
      "-c effective_cache_size=16GB -c max_parallel_workers_per_gather=2", "start"], undefined, true);
    pg = () => run(join(pgbin, "pg_ctl"), ["-D", pgdata, "-m", "fast", "stop"], undefined, true);
    const conn = ["-h", "127.0.0.1", "-p", String(port), "-U", "bench", "-d", "postgres"];
    const psql = (sql) => run("psql", [...conn, "-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-F", "|"], sql);
    started = performance.now();
    psql(raw + Object.entries(csvFiles).map(([t, f]) => `\\copy ${t} FROM '${join(work, f)}' CSV\n`).join("") + load() + `
CREATE INDEX ON employment (start_day, end_day);
CREATE INDEX ON employment (geo_id, start_day);
CREATE INDEX ON employment (passport, start_day);
CREATE INDEX ON employment (end_day);
CREATE INDEX ON holdings (passport, key_id, from_day);
CREATE INDEX ON holdings (due_day);
CREATE INDEX ON plans (geo_id);
CREATE UNIQUE INDEX ON geo (geo_id);
CREATE INDEX ON geo (icb_id);
VACUUM ANALYZE;
`);
    console.log(`postgres: loaded, indexed and analysed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const pgIcb = Number(psql(`SELECT icb_id FROM icbs WHERE code = '${opts.icb}';`).trim());
    const pgQueries = queries(pgIcb);
    for (const q of NAMES) {
      const rows = psql(`${pgQueries[q]};`).split("\n").filter(Boolean).map((l) => l.split("|"));
      agree("postgres", q, canonical(q, rows));
      const file = join(work, `${q}.sql`);
      writeFileSync(file, `${pgQueries[q]};\n`);
      const prefix = join(work, `pg_${q}`);
      run("pgbench", ["-n", ...conn.slice(0, 6), "-t", "3", "-f", file, "postgres"]); // warm the cache
      run("pgbench", ["-n", ...conn.slice(0, 6), "-t", String(runs), "-f", file, "-l", `--log-prefix=${prefix}`, "postgres"]);
      // pgbench's log: latency in microseconds, the third field.
      const ms = readdirSync(work).filter((f) => f.startsWith(`pg_${q}.`))
        .flatMap((f) => readFileSync(join(work, f), "utf8").split("\n").filter(Boolean).map((l) => Number(l.split(" ")[2]) / 1000));
      timings.postgres[q] = percentiles(ms);
    }
  }

  const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  console.log(`\nAs of ${opts["as-of"]}; Supply over every ICS; Coverage, Expiring (90 days) and Flows (a year) for ${opts.icb}; ` +
    `${runs} runs each; p50 / p99 ms.\n`);
  const pgCols = withPostgres ? [" PostgreSQL p50 / p99 |", " PostgreSQL / ours (p50) |"] : ["", ""];
  console.log(`| query | ours p50 / p99 | DuckDB p50 / p99 |${pgCols[0]} DuckDB / ours (p50) |${pgCols[1]}`);
  console.log(`|---|---|---|${withPostgres ? "---|" : ""}---|${withPostgres ? "---|" : ""}`);
  for (const q of NAMES) {
    const [o50, o99] = timings.ours[q], [d50, d99] = timings.duckdb[q];
    let line = `| ${q} | ${f(o50)} / ${f(o99)} | ${f(d50)} / ${f(d99)} |`;
    if (withPostgres) line += ` ${f(timings.postgres[q][0])} / ${f(timings.postgres[q][1])} |`;
    line += ` ${(d50 / o50).toFixed(1)}x |`;
    if (withPostgres) line += ` ${(timings.postgres[q][0] / o50).toFixed(0)}x |`;
    console.log(line);
  }
} finally {
  try { pg?.(); } catch (e) { console.error(`stopping PostgreSQL: ${e.message}`); }
  rmSync(work, { recursive: true, force: true });
}
