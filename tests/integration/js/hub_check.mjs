// Downloads one repo from a mirror with @huggingface/hub and prints, as one JSON document, what it
// got: the file list, the sha256 of every file from downloadFile and from snapshotDownload, and
// every request the library made (so the caller can check that none left the mirror).
//
// usage: node hub_check.mjs HUB_URL REPO COMMIT CACHE_DIR
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { downloadFile, listFiles, snapshotDownload } from "@huggingface/hub";

const [hubUrl, repo, commit, cacheDir] = process.argv.slice(2);
if (!cacheDir) {
  console.error("usage: node hub_check.mjs HUB_URL REPO COMMIT CACHE_DIR");
  process.exit(2);
}

const requests = [];
const realFetch = globalThis.fetch;
// Wraps the global fetch too, so a request the library makes without our `fetch` is still seen.
globalThis.fetch = async (input, init = {}) => {
  const url = typeof input === "string" ? input : (input.url ?? String(input));
  const headers = new Headers(init.headers ?? (typeof input === "object" ? input.headers : {}));
  requests.push({ url, method: init.method ?? "GET", range: headers.get("range") });
  return realFetch(input, init);
};

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

async function hashBlob(blob) {
  return sha256(Buffer.from(await blob.arrayBuffer()));
}

async function walk(dir) {
  const found = {};
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() || entry.isSymbolicLink()) {
      const full = join(entry.parentPath ?? entry.path, entry.name);
      found[relative(dir, full)] = sha256(await readFile(full));
    }
  }
  return found;
}

async function main() {
  const common = { repo, hubUrl, fetch: globalThis.fetch };
  const listed = [];
  for await (const entry of listFiles({ ...common, recursive: true })) {
    if (entry.type === "file") listed.push(entry.path);
  }
  const downloaded = {};
  for (const path of listed) {
    const blob = await downloadFile({ ...common, path });
    downloaded[path] = blob === null ? null : await hashBlob(blob);
  }
  const pinned = {};
  for (const path of listed) {
    const blob = await downloadFile({ ...common, path, revision: commit });
    pinned[path] = blob === null ? null : await hashBlob(blob);
  }
  const missing = await downloadFile({ ...common, path: "nope.json" });
  const snapshotDir = await snapshotDownload({ ...common, cacheDir });
  const snapshot = await walk(snapshotDir);
  return { listed, downloaded, pinned, missing, snapshotDir, snapshot, requests };
}

try {
  console.log(JSON.stringify(await main()));
} catch (error) {
  console.log(JSON.stringify({ error: String(error), stack: error?.stack, requests }));
  process.exit(1);
}
