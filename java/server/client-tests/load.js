// A bounded loopback load test of `nemotron4j serve` with the openai client: REQUESTS chat requests,
// CONCURRENCY at a time, each MAX_TOKENS greedy tokens; prints requests/s and p50/p99 latency.
//   node load.js [--requests 200] [--concurrency 16] [--max-tokens 16] [--base-url http://127.0.0.1:PORT/v1]
// Without --base-url it starts the built jar on a free loopback port itself. Only errors fail it.
import OpenAI from "openai";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { API_KEY, startServer } from "./server.js";

export async function runLoad({ baseURL, model, requests = 200, concurrency = 16, maxTokens = 16 }) {
  const url = new URL(baseURL);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(`load test is loopback only, not ${url.hostname}`);
  }
  const client = new OpenAI({ baseURL, apiKey: API_KEY, maxRetries: 0, timeout: 120_000 });
  const latencies = [];
  const errors = [];
  let next = 0;
  let completionTokens = 0;
  const worker = async () => {
    while (next < requests) {
      const i = next++;
      const start = performance.now();
      try {
        const reply = await client.chat.completions.create({
          model,
          messages: [{ role: "user", content: `Question ${i}: what is ${i % 10} + ${(i * 7) % 10}?` }],
          temperature: 0, max_tokens: maxTokens,
        });
        completionTokens += reply.usage.completion_tokens;
        latencies.push(performance.now() - start);
      } catch (err) {
        errors.push(`request ${i}: ${err.message}`);
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] : NaN;
  return {
    requests, concurrency, maxTokens, errors, seconds,
    requestsPerSecond: latencies.length / seconds,
    tokensPerSecond: completionTokens / seconds,
    p50: pct(0.5), p99: pct(0.99),
  };
}

export function formatLoad(r) {
  return `load: ${r.requests} chat requests, ${r.concurrency} concurrent, max_tokens ${r.maxTokens}: `
    + `${r.requestsPerSecond.toFixed(1)} requests/s, ${r.tokensPerSecond.toFixed(0)} completion tokens/s, `
    + `p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, ${r.errors.length} errors (${r.seconds.toFixed(1)} s)`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: {
    requests: { type: "string", default: "200" },
    concurrency: { type: "string", default: "16" },
    "max-tokens": { type: "string", default: "16" },
    "base-url": { type: "string" },
    model: { type: "string" },
  } });
  const server = values["base-url"] ? null : await startServer();
  try {
    const result = await runLoad({
      baseURL: values["base-url"] ?? server.baseURL,
      model: values.model ?? server?.model ?? "nemotron-h-tiny-chat",
      requests: Number(values.requests), concurrency: Number(values.concurrency),
      maxTokens: Number(values["max-tokens"]),
    });
    console.log(formatLoad(result));
    for (const e of result.errors.slice(0, 10)) console.error(e);
    process.exitCode = result.errors.length ? 1 : 0;
  } finally {
    await server?.stop();
  }
}
