// Serves a built web app (node build.mjs OUTDIR) as passportd's HTTP front
// door lays it out, for development and the browser test until the gateway
// serves it: / and /verify, the files by name (gzipped when the browser
// accepts it), the node's key at /node.vkey, and the Content-Security-Policy
// the pages must live with.
//
//   node test/serve.mjs OUTDIR NODE_VKEY [PORT]
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon" };
const ROUTES = { "/": "index.html", "/verify": "verify.html", "/desk": "desk.html", "/hub": "hub.html",
  "/professional": "professional.html", "/workforce": "workforce.html" };

// Resolves to the server's base URL; `close()` stops it.
export function serve(dir, nodeKey, port = 0) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, "http://x").pathname;
    const headers = { "content-security-policy": "default-src 'self'", "x-content-type-options": "nosniff" };
    if (path === "/node.vkey") {
      response.writeHead(200, { ...headers, "content-type": "text/plain; charset=utf-8" }).end(`${nodeKey}\n`);
      return;
    }
    const name = ROUTES[path] ?? normalize(path).replace(/^\/+/, "");
    try {
      let body = await readFile(join(dir, name));
      const type = TYPES[extname(name)] ?? "application/octet-stream";
      if (/^text|svg/.test(type) && /\bgzip\b/.test(request.headers["accept-encoding"] ?? "")) {
        body = gzipSync(body);
        headers["content-encoding"] = "gzip";
      }
      response.writeHead(200, { ...headers, "content-type": type }).end(body);
    } catch {
      response.writeHead(404, headers).end("not found");
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () =>
    resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, key, port] = process.argv.slice(2);
  if (!dir || !key) {
    console.error("usage: node test/serve.mjs OUTDIR NODE_VKEY [PORT]");
    process.exit(2);
  }
  const { url } = await serve(dir, key, Number(port ?? 0));
  console.log(`serving ${dir} at ${url}`);
}
