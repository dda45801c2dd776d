package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The README's Java examples compile and run: each is copied here verbatim between markers, in README
 * order, and {@link #readmeShowsExactlyTheseExamples} keeps the two in step.
 */
class ReadmeExampleIT {
    private static final String BEGIN = "// README:begin";
    private static final String END = "// README:end";

    @Test
    void chatExampleRuns() {
        PrintStream saved = System.out;
        var captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // README:begin
            try (NemotronModel model = NemotronModel.load(BundledModel.directory());
                    ChatSession chat = model.newChat(ChatOptions.builder().system("Answer the question.").thinking(true).build())) {
                ChatReply r = chat.send("Compute 9 times 8.", model.generationDefaults()
                        .thinkingBudget(8).maxTokens(512).temperature(0.6).topP(0.95).seed(42L).build());
                System.out.println(r.reasoning() + " | " + r.content() + " | " + r.finishReason() + " | " + r.usage());
                chat.stream("And 7 times 6?", Generation.builder().greedy().build(), d -> System.out.print(d.content()));
            }
            // README:end
        } finally {
            System.setOut(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains(" | STOP | Usage["), out);
    }

    @Test
    void sequenceExampleRuns() {
        long[] fed = new long[1];
        int[] vocab = new int[1];
        // README:begin
        Path dir = Path.of("models/nemotron-h-tiny-chat");
        try (NemotronModel model = NemotronModel.load(dir, ModelOptions.defaults());
                Sequence seq = model.newSequence()) {
            float[] logits = seq.feed(1, 17, 42, 99); // prefill: logits predicting the next token
            int[] next = seq.decodeGreedy(16);        // greedy decode, one token per step
            try (Sequence branch = seq.fork()) {      // an independent copy of the state
                branch.feed(next[15]);
            }
            // README:end
            vocab[0] = logits.length;
            fed[0] = seq.length();
        }
        assertEquals(512, vocab[0]);
        assertEquals(4 + 16, fed[0]);
    }

    @Test
    void engineExampleRuns() throws Exception {
        PrintStream saved = System.out;
        var captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // README:begin
            EngineOptions engine = EngineOptions.builder().cacheMemory(512L << 20).maxRunning(16).build();
            try (NemotronModel model = NemotronModel.load(BundledModel.directory(), ModelOptions.builder().engine(engine).build())) {
                ExecutorService clients = Executors.newFixedThreadPool(8);
                List<Future<ChatReply>> replies = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String question = "What is " + i + " plus " + i + "?";
                    replies.add(clients.submit(() -> {
                        try (ChatSession chat = model.newChat(ChatOptions.builder().system("Answer briefly.").build())) {
                            return chat.send(question, Generation.builder().greedy().maxTokens(64).build());
                        }
                    }));
                }
                for (Future<ChatReply> reply : replies) {
                    System.out.println(reply.get().content() + " (cached prompt tokens: " + reply.get().usage().cachedTokens() + ")");
                }
                System.out.println(model.engine().stats()); // running, waiting, steps, preemptions, prefix hits, free slots and blocks
                clients.shutdown();
            }
            // README:end
        } finally {
            System.setOut(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(8, out.lines().filter(l -> l.contains("(cached prompt tokens: ")).count(), out);
        assertTrue(out.contains("EngineStats[running="), out);
    }

    @Test
    void readmeShowsExactlyTheseExamples() throws IOException {
        Path repo = RepoPaths.repo();
        String source = Files.readString(repo.resolve("java/runtime/src/test/java/dev/nemotron4j/ReadmeExampleIT.java"));
        List<String> marked = new ArrayList<>();
        for (int at = source.indexOf(BEGIN + "\n"); at >= 0; at = source.indexOf(BEGIN + "\n", at + 1)) {
            marked.add(normalize(source.substring(at + BEGIN.length(), source.indexOf(END + "\n", at))));
        }
        String readme = Files.readString(repo.resolve("README.md"));
        List<String> shown = new ArrayList<>();
        for (int at = readme.indexOf("```java\n"); at >= 0; at = readme.indexOf("```java\n", at + 1)) {
            shown.add(normalize(readme.substring(at + 8, readme.indexOf("```", at + 8))));
        }
        assertEquals(3, marked.size());
        // the sequence example's region stops before its closing brace (assertions follow inside the try)
        assertEquals(List.of(marked.get(0), marked.get(1) + "\n}", marked.get(2)), shown,
                "README.md's Java examples differ from ReadmeExampleIT");
    }

    /** Compares line by line without leading indentation. */
    private static String normalize(String code) {
        return code.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n").strip();
    }
}
