package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's Java example compiles and runs (it is copied here verbatim, and checked to stay so). */
class ReadmeExampleIT {
    private static final String BEGIN = "// README:begin";
    private static final String END = "// README:end";

    @Test
    void readmeExampleRuns() {
        int fed;
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
            assertEquals(model.config().vocabSize(), logits.length);
            fed = (int) seq.length();
        }
        assertEquals(4 + 16, fed);
    }

    @Test
    void readmeShowsExactlyThisExample() throws IOException {
        Path repo = RepoPaths.repo();
        String source = Files.readString(repo.resolve("java/runtime/src/test/java/dev/nemotron4j/ReadmeExampleIT.java"));
        String body = source.substring(source.indexOf(BEGIN + "\n") + BEGIN.length(), source.indexOf(END + "\n"));
        String readme = Files.readString(repo.resolve("README.md"));
        String example = readme.substring(readme.indexOf("```java\n") + 8);
        example = example.substring(0, example.indexOf("```"));
        assertEquals(normalize(example), normalize(body) + "\n}", "README.md's Java example differs from ReadmeExampleIT");
        assertTrue(example.contains("NemotronModel.load"));
    }

    /** Compares line by line without leading indentation. */
    private static String normalize(String code) {
        return code.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n").strip();
    }
}
