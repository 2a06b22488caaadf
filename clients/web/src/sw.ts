// The service worker: keeps the app's files so /verify works offline once it
// has been loaded. Network first, so pages and the node's key stay fresh
// while online; the cache when the network fails.
export {}; // a module, so this `self` shadows the worker's global one
declare const self: ServiceWorkerGlobalScope;
declare const __CACHE__: string; // the cache's name: changes with every build
declare const __FILES__: string[]; // the app's files, relative to this script

const files = new Set([...__FILES__, "node.vkey"].map((f) => new URL(f, self.location.href).href));

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(__CACHE__).then((cache) => cache.addAll(__FILES__)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== __CACHE__).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  url.search = "";
  if (event.request.method === "GET" && files.has(url.href)) event.respondWith(networkThenCache(event.request, url.href));
});

async function networkThenCache(request: Request, key: string): Promise<Response> {
  const cache = await caches.open(__CACHE__);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}
