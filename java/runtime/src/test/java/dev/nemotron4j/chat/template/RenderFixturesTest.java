package dev.nemotron4j.chat.template;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.RepoPaths;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every render fixture byte for byte against Hugging Face's renderer: the shared golden renders of the
 * Nemotron Nano 2 template, and extra_renders.json (Nemotron cases, a ChatML-style template, a
 * kitchen-sink template, expression and statement sets, random whitespace-control templates, and
 * errors), all produced by jinja2 as transformers configures it (generator in models/README.md).
 */
class RenderFixturesTest {
    static final ChatTemplate NEMOTRON = ChatTemplate.fromModelFolder(RepoPaths.model("nemotron-h-tiny-chat"));

    static Stream<Arguments> golden() {
        return cases(RepoPaths.repo().resolve("models/chat-template/golden_renders.json"));
    }

    static Stream<Arguments> extra() {
        return cases(RepoPaths.repo().resolve("models/chat-template/extra_renders.json"));
    }

    private static Stream<Arguments> cases(Path file) {
        List<RenderCases.Case> cases = RenderCases.read(file);
        return cases.stream().map(c -> Arguments.of(Named.of(c.name(), c)));
    }

    @ParameterizedTest
    @MethodSource("golden")
    void goldenRendersMatchByteForByte(RenderCases.Case c) {
        assertMatches(c);
    }

    @ParameterizedTest
    @MethodSource("extra")
    void extraRendersMatchByteForByte(RenderCases.Case c) {
        assertMatches(c);
    }

    private static void assertMatches(RenderCases.Case c) {
        RenderCases.Result r = RenderCases.check(NEMOTRON, c);
        assertTrue(r.match(), () -> c.name() + " differs at " + r.firstDifference() + "\n expected: "
                + r.expectedExcerpt() + "\n actual:   " + r.actualExcerpt() + "\n error: " + r.error());
    }
}
