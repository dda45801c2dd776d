package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.engine.EngineStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions on the bundled model: incremental prefill equals a from-scratch render, forks, concurrency, streams. */
class ChatSessionIT {
    private static NemotronModel model;
    private static final Generation GREEDY = Generation.builder().greedy().maxTokens(120).build();

    @BeforeAll
    static void load() {
        model = NemotronModel.load(BundledModel.directory());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ChatSession thinkingChat() {
        return model.newChat(ChatOptions.builder().system("You are a helpful assistant.").thinking(true).build());
    }

    /** The greedy reply to the whole conversation rendered from scratch, on a fresh sequence. */
    private static int[] fromScratch(List<Map<String, Object>> conversation, int length) {
        String prompt = model.chatResources().render(conversation, List.of(), Map.of(), true);
        try (Sequence seq = model.newSequence()) {
            seq.feed(model.chatResources().tokenizer().encode(prompt));
            return seq.decodeGreedy(length);
        }
    }

    private static int[] ids(ChatReply reply) {
        return reply.tokenIds().stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Map<String, Object>> withUser(List<Map<String, Object>> messages, String user) {
        List<Map<String, Object>> next = new ArrayList<>(messages);
        next.add(Map.of("role", "user", "content", user));
        return next;
    }

    @Test
    void aNewTurnPrefillsOnlyWhatTheTemplateAdds() {
        model.engine().clearPrefixCache();  // the other tests' snapshots would serve this prompt too
        try (ChatSession chat = thinkingChat()) {
            ChatReply first = chat.send("What is 2+2?", GREEDY);
            assertEquals(0, first.usage().cachedTokens());
            List<Map<String, Object>> history = chat.messages();
            EngineCounters before = model.counters();
            ChatReply second = chat.send("What is 7+5?", GREEDY);
            EngineCounters work = model.counters().since(before);
            // the snapshot sits at the end of the first user turn, before its generation prompt and reasoning
            int firstHistory = model.chatResources().tokenizer().encode(model.chatResources()
                    .render(history.subList(0, 2), List.of(), Map.of(), false)).length;
            assertEquals(firstHistory, second.usage().cachedTokens(), "the first turn's prompt is reused");
            int newPromptTokens = second.usage().promptTokens() - second.usage().cachedTokens();
            assertEquals(newPromptTokens, work.prefillTokens(), "only the new part is prefilled");
            int[] expected = fromScratch(withUser(history, "What is 7+5?"), second.tokenIds().size());
            assertArrayEquals(expected, ids(second), "the same tokens as a from-scratch render");
            assertTrue(!second.content().isEmpty(), "an answer (the tiny model is trained on single turns: its second answers need not be right)");
        }
    }

    @Test
    void forksContinueIndependently() {
        try (ChatSession chat = thinkingChat()) {
            chat.send("What is 2+2?", GREEDY);
            List<Map<String, Object>> history = chat.messages();
            try (ChatSession branch = chat.fork()) {
                ChatReply a = chat.send("Compute 9 times 8.", GREEDY);
                ChatReply b = branch.send("What is 7+5?", GREEDY);
                assertArrayEquals(fromScratch(withUser(history, "Compute 9 times 8."), a.tokenIds().size()), ids(a));
                assertArrayEquals(fromScratch(withUser(history, "What is 7+5?"), b.tokenIds().size()), ids(b));
                assertEquals(history.size() + 2, chat.messages().size());
                assertEquals(history.size() + 2, branch.messages().size());
            }
        }
    }

    @Test
    void manySessionsAtOnceGiveTheirSequentialReplies() throws Exception {
        String[] questions = {"What is 2+2?", "What is 7+5?", "Compute 9 times 8.", "What is 3+4?"};
        List<int[]> sequential = new ArrayList<>();
        for (String q : questions) {
            try (ChatSession chat = thinkingChat()) {
                sequential.add(ids(chat.send(q, GREEDY)));
            }
        }
        List<CompletableFuture<int[]>> parallel = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String q = questions[i % questions.length];
            parallel.add(CompletableFuture.supplyAsync(() -> {
                try (ChatSession chat = thinkingChat()) {
                    return ids(chat.send(q, GREEDY));
                }
            }));
        }
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(sequential.get(i % questions.length), parallel.get(i).get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFinishedTurnLeavesOnlyPrefixSnapshotsAndClosingRefusesNewTurns() {
        model.engine().clearPrefixCache();
        int live = model.liveSequences();
        ChatSession chat = thinkingChat();
        chat.send("What is 2+2?", GREEDY);
        EngineStats stats = model.engine().stats();
        assertEquals(0, stats.running());
        assertEquals(live + stats.prefixEntries(), model.liveSequences(), "only snapshots stay between turns");
        assertTrue(stats.prefixEntries() >= 1, "the end of the user turn is kept for the next turn");
        chat.close();
        model.engine().clearPrefixCache();
        assertEquals(live, model.liveSequences());
        assertThrows(IllegalStateException.class, () -> chat.send("again", GREEDY));
    }

    @Test
    void aMessageStreamStopsAndFreesItsSequenceWhenCancelled() throws Exception {
        model.engine().clearPrefixCache();
        int live = model.liveSequences();
        try (ChatSession chat = thinkingChat()) {
            AtomicBoolean cancelled = new AtomicBoolean();
            CountDownLatch firstDelta = new CountDownLatch(1);
            CompletableFuture<ChatReply> reply = CompletableFuture.supplyAsync(() -> chat.stream(
                    List.of(Map.of("role", "user", "content", "What is 2+2?")),
                    Generation.builder().greedy().maxTokens(4000).ignoreEos(true).build(),
                    delta -> firstDelta.countDown(), cancelled::get));
            assertTrue(firstDelta.await(30, TimeUnit.SECONDS));
            cancelled.set(true);
            ChatReply stopped = reply.get(10, TimeUnit.SECONDS);
            assertEquals(FinishReason.CANCELLED, stopped.finishReason());
            assertTrue(stopped.tokenIds().size() < 4000, "generation stopped early");
            assertEquals(0, model.engine().stats().running(), "the reply left the engine");
        }
        model.engine().clearPrefixCache();
        assertEquals(live, model.liveSequences(), "nothing but prefix snapshots was kept");
    }

    @Test
    void aMessageStreamCancelledBeforeItStartsDrawsNothing() {
        try (ChatSession chat = thinkingChat()) {
            ChatReply reply = chat.stream(List.of(Map.of("role", "user", "content", "Hi")), GREEDY, delta -> {},
                    () -> true);
            assertEquals(FinishReason.CANCELLED, reply.finishReason());
            assertTrue(reply.tokenIds().isEmpty());
            assertEquals(0, model.engine().stats().running());
        }
    }

    @Test
    void aCancelledStreamStopsAndFreesItsSequence() throws Exception {
        model.engine().clearPrefixCache();
        int live = model.liveSequences();
        try (ChatSession chat = thinkingChat()) {
            Flow.Publisher<Delta> publisher = chat.publish("What is 2+2?",
                    Generation.builder().greedy().maxTokens(4000).ignoreEos(true).build());
            CountDownLatch firstDelta = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            publisher.subscribe(new Flow.Subscriber<>() {
                private Flow.Subscription subscription;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(1);
                }

                @Override
                public void onNext(Delta item) {
                    firstDelta.countDown();
                    subscription.cancel();
                }

                @Override
                public void onError(Throwable throwable) {
                    done.countDown();
                }

                @Override
                public void onComplete() {
                    done.countDown();
                }
            });
            assertTrue(firstDelta.await(30, TimeUnit.SECONDS));
            long sampledAtCancel = model.counters().tokensSampled();
            for (int i = 0; i < 100 && model.engine().stats().running() > 0; i++) {
                Thread.sleep(50);
            }
            assertEquals(0, model.engine().stats().running(), "the reply left the engine");
            Thread.sleep(200);
            assertTrue(model.counters().tokensSampled() - sampledAtCancel < 50, "generation stopped");
        }
        model.engine().clearPrefixCache();
        assertEquals(live, model.liveSequences(), "nothing but prefix snapshots was kept");
    }

    @Test
    void toolResultsAreSentBackAsToolMessages() {
        Map<String, Object> tool = Map.of("type", "function", "function", Map.of("name", "add",
                "description", "adds two numbers", "parameters", Map.of("type", "object")));
        try (ChatSession chat = model.newChat(ChatOptions.builder().system("Use tools.").tools(List.of(tool)).build())) {
            chat.send("What is 2+2?", GREEDY);
            ToolCall call = new ToolCall("call_1", "add", "{\"a\":2,\"b\":2}");
            ChatReply reply = chat.stream(List.of(ChatSession.toolResult(call, "4")), GREEDY, d -> {});
            assertTrue(reply.usage().cachedTokens() > 0, "the tool turn continues from the snapshot");
            var last = chat.messages().get(chat.messages().size() - 2);
            assertEquals("tool", last.get("role"));
            assertEquals("call_1", last.get("tool_call_id"));
            String prompt = model.chatResources().render(chat.messages().subList(0, chat.messages().size() - 1),
                    List.of(tool), Map.of(), true);
            assertTrue(prompt.contains("<TOOL_RESPONSE>") && prompt.contains("4"), prompt);
        }
    }

    @Test
    void aCallerTemplateOverridesTheModels() {
        String template = "{% for m in messages %}<SPECIAL_11>{{ m['role'] }}\n{{ m['content'] }}\n{% endfor %}"
                + "{% if add_generation_prompt %}<SPECIAL_11>Assistant\n<think></think>{% endif %}";
        try (ChatSession chat = model.newChat(ChatOptions.builder().chatTemplate(template).build())) {
            ChatReply reply = chat.send("What is 2+2?", GREEDY);
            String expectedPrompt = "<SPECIAL_11>user\nWhat is 2+2?\n<SPECIAL_11>Assistant\n<think></think>";
            assertEquals(model.chatResources().tokenizer().encode(expectedPrompt).length, reply.usage().promptTokens());
            assertEquals("", reply.reasoning(), "the override's generation prompt closes the reasoning");
        }
    }
}
