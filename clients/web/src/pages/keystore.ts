// What a page keeps on this device in IndexedDB: WebCrypto keys (kept as
// CryptoKey objects, so a non-extractable key stays non-extractable) and the
// small records beside them. One object store, values by name.

const DB = "skillspassport", STORE = "keys";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

export const load = <T>(name: string) => run<T | undefined>("readonly", (s) => s.get(name));
export const save = (name: string, value: unknown) => run<void>("readwrite", (s) => s.put(value, name));
export const remove = (name: string) => run<void>("readwrite", (s) => s.delete(name));
