// The bounded loopback load test as part of the test run: it fails on errors only, never on speed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../server.js";
import { formatLoad, runLoad } from "../load.js";

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test("200 requests, 16 concurrent, no errors", async (t) => {
  const result = await runLoad({ baseURL: server.baseURL, model: server.model, requests: 200, concurrency: 16 });
  const line = formatLoad(result);
  t.diagnostic(line);
  console.log(line);
  assert.deepEqual(result.errors, []);
});
