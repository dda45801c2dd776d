// `nemotron4j serve` driven by the official openai npm client, as a Java team's existing clients would.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI, { AuthenticationError, BadRequestError, APIUserAbortError } from "openai";
import { API_KEY, startServer } from "../server.js";

const GREEDY = { temperature: 0, seed: 7, max_tokens: 24 };
const QUESTION = [{ role: "user", content: "What is 2+3?" }];
const CONCURRENT_CLIENTS = 32;
// After an aborted stream, its sequence is freed and the next request answered within this limit
// (the abandoned one asks for 2000 tokens, far longer than that on the tiny model).
const AFTER_ABORT_LIMIT_MS = 5_000;

let server;
let client;

/** The server frees an abandoned stream's sequence: /metrics shows nothing running within the limit. */
async function waitForNoRunningRequests() {
  const deadline = Date.now() + AFTER_ABORT_LIMIT_MS;
  for (;;) {
    const metrics = await (await fetch(`${server.origin}/metrics`)).text();
    const running = /^nemotron4j_num_requests_running\{[^}]*\} (\S+)$/m.exec(metrics);
    assert.ok(running, "no nemotron4j_num_requests_running in /metrics");
    if (Number(running[1]) === 0) return;
    assert.ok(Date.now() < deadline, `still ${running[1]} running ${AFTER_ABORT_LIMIT_MS} ms after the abort`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  server = await startServer();
  client = new OpenAI({ baseURL: server.baseURL, apiKey: API_KEY, maxRetries: 0, timeout: 120_000 });
});

after(async () => {
  await server?.stop();
});

describe("chat completions", () => {
  test("plain: content and usage", async () => {
    const reply = await client.chat.completions.create({ model: server.model, messages: QUESTION, ...GREEDY });
    assert.equal(reply.object, "chat.completion");
    assert.equal(reply.model, server.model);
    assert.equal(reply.choices.length, 1);
    assert.equal(reply.choices[0].message.role, "assistant");
    assert.ok(reply.choices[0].message.content.length > 0, "empty content");
    assert.ok(["stop", "length"].includes(reply.choices[0].finish_reason));
    const { prompt_tokens, completion_tokens, total_tokens } = reply.usage;
    assert.ok(prompt_tokens > 0);
    assert.ok(completion_tokens > 0 && completion_tokens <= GREEDY.max_tokens);
    assert.equal(total_tokens, prompt_tokens + completion_tokens);
  });

  test("streamed: chunks concatenate to the plain reply (greedy, same seed)", async () => {
    const plain = await client.chat.completions.create({ model: server.model, messages: QUESTION, ...GREEDY });
    const stream = await client.chat.completions.create({
      model: server.model, messages: QUESTION, ...GREEDY, stream: true, stream_options: { include_usage: true },
    });
    let text = "";
    let finish = null;
    let usage = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.object, "chat.completion.chunk");
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        text += choice.delta?.content ?? "";
        finish = choice.finish_reason ?? finish;
      }
    }
    assert.ok(chunks > 1, "expected several chunks");
    assert.equal(text, plain.choices[0].message.content);
    assert.equal(finish, plain.choices[0].finish_reason);
    assert.deepEqual(usage && usage.completion_tokens, plain.usage.completion_tokens);
  });

  test("the SDK's stream helper gives the same final message", async () => {
    const plain = await client.chat.completions.create({ model: server.model, messages: QUESTION, ...GREEDY });
    const runner = client.chat.completions.stream({ model: server.model, messages: QUESTION, ...GREEDY });
    const final = await runner.finalChatCompletion();
    assert.equal(final.choices[0].message.content, plain.choices[0].message.content);
  });

  test(`${CONCURRENT_CLIENTS} concurrent clients all get the single-request greedy answer`, async () => {
    const request = { model: server.model, messages: [{ role: "user", content: "Name a colour." }], ...GREEDY };
    const alone = (await client.chat.completions.create(request)).choices[0].message.content;
    const replies = await Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, () =>
      new OpenAI({ baseURL: server.baseURL, apiKey: API_KEY, maxRetries: 0, timeout: 120_000 })
        .chat.completions.create(request)));
    for (const [i, reply] of replies.entries()) {
      assert.equal(reply.choices[0].message.content, alone, `client ${i} differs`);
    }
  });

  test("a client that aborts a stream mid-way does not hold up the next request", async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: server.model, messages: [{ role: "user", content: "Tell me a long story." }],
        temperature: 0, max_tokens: 2000, stream: true },
      { signal: controller.signal });
    let received = 0;
    // The SDK ends the iteration quietly on an abort (or throws APIUserAbortError, in older versions).
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) received++;
        if (received === 3) {
          controller.abort();
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof APIUserAbortError || err.name === "AbortError")) throw err;
    }
    assert.equal(received, 3);
    await waitForNoRunningRequests();
    const start = Date.now();
    const reply = await client.chat.completions.create({ model: server.model, messages: QUESTION, ...GREEDY });
    assert.ok(reply.choices[0].message.content.length > 0);
    assert.ok(Date.now() - start < AFTER_ABORT_LIMIT_MS, `took ${Date.now() - start} ms after an abort`);
  });

  // ChatFeaturesIT's tools request: a tool schema and a tool-call history, greedy.
  const ADD_TOOL = [{ type: "function", function: { name: "add", description: "adds two numbers",
    parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } } } }];
  const TOOL_HISTORY = [...QUESTION,
    { role: "assistant", content: "", tool_calls: [{ id: "call_1", type: "function",
      function: { name: "add", arguments: "{\"a\":2,\"b\":3}" } }] },
    { role: "tool", tool_call_id: "call_1", content: "5" }];

  /** Either a tool call (name of a given tool, JSON arguments) or a plain message, as finish_reason says. */
  function assertToolsReply(choice) {
    assert.ok(["stop", "length", "tool_calls"].includes(choice.finish_reason), choice.finish_reason);
    const calls = choice.message.tool_calls ?? [];
    assert.equal(choice.finish_reason === "tool_calls", calls.length > 0);
    for (const call of calls) {
      assert.equal(call.type, "function");
      assert.equal(call.function.name, "add");
      assert.equal(typeof JSON.parse(call.function.arguments), "object");
      assert.ok(call.id.length > 0);
    }
    if (calls.length === 0) assert.equal(typeof choice.message.content, "string");
  }

  test("tools: a tool call or a plain message, well-formed and the same on every greedy run", async () => {
    for (const messages of [TOOL_HISTORY, QUESTION]) {
      const request = { model: server.model, messages, tools: ADD_TOOL, ...GREEDY };
      const first = await client.chat.completions.create(request);
      assertToolsReply(first.choices[0]);
      const again = await client.chat.completions.create(request);
      assert.deepEqual(again.choices[0].message.tool_calls?.map((c) => c.function),
        first.choices[0].message.tool_calls?.map((c) => c.function));
      assert.equal(again.choices[0].message.content, first.choices[0].message.content);
      assert.equal(again.choices[0].finish_reason, first.choices[0].finish_reason);
    }
  });

  const NO_THINK = [{ role: "system", content: "/no_think" }, ...QUESTION];

  test("tool_choice naming a function: exactly that call, arguments a JSON object (constrained decoding)",
    async () => {
      const reply = await client.chat.completions.create({
        model: server.model, messages: NO_THINK, tools: ADD_TOOL, ...GREEDY, max_tokens: 1500,
        tool_choice: { type: "function", function: { name: "add" } },
      });
      const choice = reply.choices[0];
      assert.equal(choice.finish_reason, "tool_calls", JSON.stringify(choice));
      assert.equal(choice.message.tool_calls.length, 1);
      assert.equal(choice.message.tool_calls[0].function.name, "add");
      const args = JSON.parse(choice.message.tool_calls[0].function.arguments);
      assert.equal(typeof args, "object");
      assert.ok(args !== null && !Array.isArray(args));
    });

  test("continue_final_message: the reply continues the assistant's text, as a raw completion of that prompt",
    async () => {
      const messages = [...NO_THINK, { role: "assistant", content: "2 + 3" }];
      const flags = { continue_final_message: true, add_generation_prompt: false };
      const reply = await client.chat.completions.create({ model: server.model, messages, ...GREEDY, ...flags });
      const res = await fetch(`${server.origin}/tokenize`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ messages, ...flags }),
      });
      assert.equal(res.status, 200);
      const prompt = (await res.json()).tokens;
      const raw = await client.completions.create({ model: server.model, prompt, ...GREEDY });
      assert.equal(reply.choices[0].message.content, raw.choices[0].text);
      assert.equal(reply.usage.prompt_tokens, prompt.length);
    });

  describe("with --reasoning-parser nemotron", () => {
    let parsing;
    let parsingClient;

    before(async () => {
      parsing = await startServer(["--reasoning-parser", "nemotron"]);
      parsingClient = new OpenAI({ baseURL: parsing.baseURL, apiKey: API_KEY, maxRetries: 0, timeout: 120_000 });
    });

    after(async () => {
      await parsing?.stop();
    });

    async function tokenize(origin, body) {
      const res = await fetch(`${origin}/tokenize`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()).tokens;
    }

    test("reasoning_content and reasoning split out; the plain server's content is both around </think>",
      async () => {
        // Long enough for the tiny model to close its reasoning and answer.
        const request = { model: parsing.model, messages: QUESTION, ...GREEDY, max_tokens: 160 };
        const message = (await parsingClient.chat.completions.create(request)).choices[0].message;
        const whole = (await client.chat.completions.create(request)).choices[0].message.content;
        assert.equal(typeof message.reasoning_content, "string");
        assert.ok(message.reasoning_content.length > 0, "the bundled model's template starts in reasoning");
        assert.equal(message.reasoning, message.reasoning_content);
        assert.ok(!(message.content ?? "").includes("</think>"), message.content);
        assert.equal(message.reasoning_content.includes("</think>"), false);
        const cut = whole.indexOf("</think>");
        assert.ok(cut >= 0, `no </think> in the plain reply: ${whole}`);
        assert.equal(whole.slice(0, cut).trim(), message.reasoning_content.trim());
        assert.equal(whole.slice(cut + "</think>".length).trim(), (message.content ?? "").trim());

        const stream = await parsingClient.chat.completions.create({ ...request, stream: true });
        let reasoning = "";
        let alias = "";
        let content = "";
        for await (const chunk of stream) {
          for (const choice of chunk.choices) {
            reasoning += choice.delta?.reasoning_content ?? "";
            alias += choice.delta?.reasoning ?? "";
            content += choice.delta?.content ?? "";
          }
        }
        assert.equal(alias, reasoning);
        assert.equal(reasoning.trim(), message.reasoning_content.trim());
        assert.equal(content.trim(), (message.content ?? "").trim());
      });

    // NVIDIA's ThinkingBudgetClient for Nemotron Nano 2: reason up to a budget, then close the reasoning
    // and let the model answer through /v1/completions on the same prefix.
    test("the seed's two-call thinking-budget flow: call 2 reuses call 1's prefill (cached_tokens > 0)",
      async () => {
        const budget = 6;
        const first = await parsingClient.chat.completions.create(
          { model: parsing.model, messages: QUESTION, temperature: 0, seed: 7, max_tokens: budget });
        const reasoning = first.choices[0].message.reasoning_content ?? first.choices[0].message.content ?? "";
        assert.ok(reasoning.length > 0, "call 1 reasoned");
        const prompt = [
          ...await tokenize(parsing.origin, { messages: QUESTION, add_generation_prompt: true }),
          ...await tokenize(parsing.origin, { prompt: reasoning }),
          ...await tokenize(parsing.origin, { prompt: ".\n</think>\n\n" }),
        ];
        const second = await parsingClient.completions.create(
          { model: parsing.model, prompt, temperature: 0, seed: 7, max_tokens: 16 });
        assert.ok(second.choices[0].text.length > 0, "call 2 answered");
        assert.equal(second.usage.prompt_tokens, prompt.length);
        assert.ok(second.usage.prompt_tokens_details?.cached_tokens > 0,
          `cached_tokens: ${JSON.stringify(second.usage)}`);
      });

    test("one call with thinking_token_budget: reasoning_tokens within the budget and the forced close",
      async () => {
        const budget = 4;
        const closing = (await tokenize(parsing.origin, { prompt: ".\n</think>\n\n" })).length;
        const reply = await parsingClient.chat.completions.create(
          { model: parsing.model, messages: QUESTION, ...GREEDY, thinking_token_budget: budget });
        const reasoningTokens = reply.usage.completion_tokens_details.reasoning_tokens;
        assert.ok(reasoningTokens > 0 && reasoningTokens <= budget + closing, `reasoning_tokens ${reasoningTokens}`);
        assert.ok(reply.choices[0].message.reasoning_content.length > 0);
        assert.ok(!(reply.choices[0].message.content ?? "").includes("</think>"));
      });
  });
});

describe("completions", () => {
  const prompt = "The capital of France is";

  test("plain", async () => {
    const reply = await client.completions.create({ model: server.model, prompt, ...GREEDY });
    assert.equal(reply.object, "text_completion");
    assert.ok(reply.choices[0].text.length > 0);
    assert.equal(reply.usage.total_tokens, reply.usage.prompt_tokens + reply.usage.completion_tokens);
  });

  test("streamed equals plain", async () => {
    const plain = await client.completions.create({ model: server.model, prompt, ...GREEDY });
    const stream = await client.completions.create({ model: server.model, prompt, ...GREEDY, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    assert.equal(text, plain.choices[0].text);
  });

  test("prompt as token ids", async () => {
    const tokenized = await (await fetch(`${server.origin}/tokenize`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ prompt }),
    })).json();
    const byText = await client.completions.create({ model: server.model, prompt, ...GREEDY });
    const byIds = await client.completions.create({ model: server.model, prompt: tokenized.tokens, ...GREEDY });
    assert.equal(byIds.choices[0].text, byText.choices[0].text);
  });

  test("n = 2 with a seed: two choices, each the single request with seed + index", async () => {
    const sampled = { temperature: 1, seed: 7, max_tokens: 16 };
    const reply = await client.completions.create({ model: server.model, prompt, ...sampled, n: 2 });
    assert.deepEqual(reply.choices.map((c) => c.index), [0, 1]);
    let completionTokens = 0;
    for (const choice of reply.choices) {
      const alone = await client.completions.create({
        model: server.model, prompt, ...sampled, seed: sampled.seed + choice.index,
      });
      assert.equal(choice.text, alone.choices[0].text);
      assert.equal(reply.usage.prompt_tokens, alone.usage.prompt_tokens, "the prompt counts once");
      completionTokens += alone.usage.completion_tokens;
    }
    assert.equal(reply.usage.completion_tokens, completionTokens);

    const stream = await client.completions.create({ model: server.model, prompt, ...sampled, n: 2, stream: true });
    const texts = ["", ""];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.text;
    assert.deepEqual(texts, reply.choices.map((c) => c.text), "streamed choices interleave by index");
  });

  test("logprobs: k alternatives per token, the tokens spell the text", async () => {
    const reply = await client.completions.create({ model: server.model, prompt, ...GREEDY, logprobs: 2 });
    const [choice] = reply.choices;
    const { tokens, token_logprobs, top_logprobs, text_offset } = choice.logprobs;
    assert.ok(tokens.length > 0);
    assert.equal(token_logprobs.length, tokens.length);
    assert.equal(text_offset[0], 0);
    // a final end-of-turn token has a logprob but is not text
    const spelled = choice.finish_reason === "stop" ? tokens.slice(0, -1) : tokens;
    assert.equal(spelled.join(""), choice.text);
    for (let i = 0; i < tokens.length; i++) {
      assert.equal(Object.keys(top_logprobs[i]).length, 2, "greedy: the drawn token is one of the top 2");
      // (JS orders integer-like keys such as "1" first, so the drawn token's place is not checked here)
      assert.equal(top_logprobs[i][tokens[i]], token_logprobs[i], "the drawn token is among them");
      assert.ok(token_logprobs[i] <= 0);
    }
  });

  test("echo: the prompt comes back in front", async () => {
    const plain = await client.completions.create({ model: server.model, prompt, ...GREEDY });
    const echoed = await client.completions.create({ model: server.model, prompt, ...GREEDY, echo: true });
    assert.equal(echoed.choices[0].text, prompt + plain.choices[0].text);
  });
});

describe("models", () => {
  test("list names the served model", async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids, [server.model]);
  });
});

describe("bad inputs", () => {
  test("wrong key: AuthenticationError (401)", async () => {
    const wrong = new OpenAI({ baseURL: server.baseURL, apiKey: "not-the-key", maxRetries: 0 });
    await assert.rejects(wrong.chat.completions.create({ model: server.model, messages: QUESTION, max_tokens: 4 }),
      (err) => err instanceof AuthenticationError && err.status === 401);
  });

  test("temperature -1: BadRequestError (400) naming the parameter", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: server.model, messages: QUESTION, temperature: -1, max_tokens: 4 }),
      (err) => err instanceof BadRequestError && err.status === 400 && err.param === "temperature");
  });

  test("completions best_of > n: BadRequestError (400) naming best_of", async () => {
    await assert.rejects(
      client.completions.create({ model: server.model, prompt: "Hi", n: 1, best_of: 2, max_tokens: 4 }),
      (err) => err instanceof BadRequestError && err.status === 400 && err.param === "best_of");
  });

  test("unknown model: 404 NotFoundError as vLLM", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "no-such-model", messages: QUESTION, max_tokens: 4 }),
      (err) => err.status === 404);
  });

  test("invalid JSON: 400 with an OpenAI error object", async () => {
    const res = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${API_KEY}` },
      body: "{bad",
    });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(typeof body.error.message, "string");
    assert.ok(body.error.message.length > 0);
    assert.ok("type" in body.error && "param" in body.error && "code" in body.error);
  });
});
