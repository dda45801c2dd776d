package dev.nemotron4j.tokenizer;

import static dev.nemotron4j.tokenizer.TokenizerFixtures.byteToken;
import static dev.nemotron4j.tokenizer.TokenizerFixtures.ints;
import static dev.nemotron4j.tokenizer.TokenizerFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streaming detokenization is exact (pushes + flush == decode of all ids), never emits half a
 * character, and decodes a bounded window per push. The id sequences come from the real 512-token
 * byte-level vocabulary, where CJK and emoji are split over several byte tokens.
 */
class IncrementalDecoderTest {
    /** The window bound for byte-level tokens: two runs of at most MAX_PENDING + 1 tokens (see the class). */
    private static final int BYTE_LEVEL_WINDOW = 2 * IncrementalDecoder.MAX_PENDING + 2;

    private static final String[] PIECES = {"你好", "，", "世界", "。", "思考预算", "😊", "👍🏽", "é", "ß", "€", " 2 + 2 equals **4**.",
        "\n", "<think>", "</think>", "<SPECIAL_12>", "a", " ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "🇫🇷", "ok"};

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.fromModelFolder(TokenizerFixtures.tokenizerTiny());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** Streams {@code ids}, checking the window bound after each push; returns the deltas, flush last. */
    private static List<String> stream(int[] ids) {
        IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
        List<String> deltas = new ArrayList<>();
        for (int id : ids) {
            deltas.add(decoder.push(id));
            assertTrue(decoder.windowSize() <= BYTE_LEVEL_WINDOW, () -> "window " + decoder.windowSize());
        }
        deltas.add(decoder.flush());
        return deltas;
    }

    private static void assertExact(int[] ids) {
        assertEquals(tokenizer.decode(ids), String.join("", stream(ids)), () -> Arrays.toString(ids));
    }

    @Test
    void chatDemoRepliesStreamToTheirText() {
        for (JsonNode c : json(TokenizerFixtures.tinyChat().resolve("chat_demo.json")).get("cases")) {
            if (c.has("greedy_ids")) {
                List<String> deltas = stream(ints(c.get("greedy_ids")));
                assertEquals(c.get("greedy_text").textValue(), String.join("", deltas));
                assertEquals("", deltas.get(deltas.size() - 1), "ASCII text is final at once: nothing left to flush");
            }
        }
    }

    @Test
    void charactersSplitOverTokensAreHeldBackNotBroken() {
        String text = "你好，世界。思考预算。😊";
        int[] ids = tokenizer.encode(text);
        assertTrue(ids.length > text.codePointCount(0, text.length()), "the fixture splits characters over tokens");
        List<String> deltas = stream(ids);
        assertEquals(text, String.join("", deltas));
        assertTrue(deltas.contains(""), "some pushes complete no character");
        for (String delta : deltas) {
            assertFalse(delta.contains("\uFFFD"), delta);
            assertEquals(delta, new String(delta.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                    "whole characters only");
        }
    }

    @Test
    void randomIdSequencesOfTheVocabularyStreamExactly() {
        Random random = new Random(1);
        for (int n = 0; n < 1500; n++) {
            assertExact(random.ints(1 + random.nextInt(120), 0, tokenizer.vocabSize()).toArray());
        }
    }

    @Test
    void randomRawByteStreamsStreamExactly() {
        // valid and invalid UTF-8 alike, one byte token at a time, mostly multi-byte lead and continuation
        // bytes: incomplete characters, stray continuations, overlong and surrogate encodings
        Random random = new Random(2);
        int[] bytes = {0xE4, 0xBD, 0xA0, 0xF0, 0x9F, 0x98, 0x8A, 0x80, 0xBF, 0xC2, 0xC0, 0xE0, 0xED, 0xA0, 0xF4, 0x90,
            0xFF, 0x41, 0x20, 0x0A};
        for (int n = 0; n < 1500; n++) {
            int[] ids = random.ints(1 + random.nextInt(60), 0, bytes.length)
                    .map(i -> byteToken(tokenizer, bytes[i])).toArray();
            assertExact(ids);
        }
    }

    @Test
    void splicedTextsStreamWithoutReplacementCharacters() {
        Random random = new Random(3);
        for (int n = 0; n < 300; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = 1 + random.nextInt(12); k > 0; k--) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            List<String> deltas = stream(tokenizer.encode(text.toString()));
            assertEquals(text.toString(), String.join("", deltas));
            assertTrue(deltas.stream().noneMatch(d -> d.contains("\uFFFD")), text::toString);
        }
    }

    @Test
    void aLongRunOfStrayContinuationBytesIsEmittedAsItGoes() {
        int[] ids = new int[1000];
        Arrays.fill(ids, byteToken(tokenizer, 0x80)); // each one alone is U+FFFD, final once the next arrives
        List<String> deltas = stream(ids);
        assertEquals("\uFFFD".repeat(1000), String.join("", deltas));
        assertTrue(deltas.get(deltas.size() - 1).length() <= IncrementalDecoder.MAX_PENDING,
                "held back at most MAX_PENDING tokens, not the whole run: " + deltas.get(deltas.size() - 1).length());
    }

    @Test
    void aRunIsNeverCutInsideACharacter() {
        // 7 stray bytes, then 你 (E4 BD A0) whose second byte is the 9th pending token: the split before
        // it would be the last one, but there the UTF-8 decoder is inside 你
        int stray = byteToken(tokenizer, 0x80);
        int[] ids = {stray, stray, stray, stray, stray, stray, stray, byteToken(tokenizer, 0xE4),
            byteToken(tokenizer, 0xBD), byteToken(tokenizer, 0xA0), byteToken(tokenizer, 'A')};
        assertEquals("\uFFFD".repeat(7) + "你A", String.join("", stream(ids)));
    }

    @Test
    void aCharacterCutByTheEndIsFlushedAsReplacement() {
        int[] ids = tokenizer.encode("ok 😊");
        int[] cut = Arrays.copyOf(ids, ids.length - 1);
        List<String> deltas = stream(cut);
        assertEquals("ok ", String.join("", deltas.subList(0, deltas.size() - 1)));
        assertEquals(tokenizer.decode(cut), "ok " + deltas.get(deltas.size() - 1));
        assertTrue(deltas.get(deltas.size() - 1).endsWith("\uFFFD"));
    }

    @Test
    void eachPushDecodesAFewTokensWhateverTheLength() {
        int[] ids = tokenizer.encode("The user asks for 2 plus 2. 你好，世界。😊 2 + 2 = 4.\n".repeat(100));
        long[] decoded = new long[1];
        IncrementalDecoder decoder = new IncrementalDecoder((window, from, to) -> {
            decoded[0] += to - from;
            return tokenizer.decode(window, from, to);
        });
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.push(id));
        }
        out.append(decoder.flush());
        assertEquals(tokenizer.decode(ids), out.toString());
        double perPush = (double) decoded[0] / ids.length;
        assertTrue(perPush < 8, "tokens decoded per push: " + perPush);
    }

    @Test
    void aDecoderThatNeverSettlesStillHasABoundedWindow() {
        // not byte-level: every window's text ends in U+FFFD and no split point is ever final
        IncrementalDecoder decoder = new IncrementalDecoder((window, from, to) -> "x".repeat(to - from) + "\uFFFD");
        for (int i = 0; i < 10_000; i++) {
            decoder.push(7);
            assertTrue(decoder.windowSize() <= 2 * (IncrementalDecoder.MAX_WINDOW + 1), "window " + decoder.windowSize());
        }
    }

    @Test
    void aRejectedIdLeavesTheDecoderAsItWas() {
        IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
        int[] ids = tokenizer.encode("你好");
        assertEquals("", decoder.push(ids[0]));
        assertThrows(InvalidRequestException.class, () -> decoder.push(tokenizer.vocabSize()));
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < ids.length; i++) {
            out.append(decoder.push(ids[i]));
        }
        assertEquals("你好", out.append(decoder.flush()).toString());
    }

    @Test
    void flushEndsTheSequence() {
        IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
        assertEquals("", decoder.flush(), "nothing pushed");
        assertEquals("", decoder.flush());
        assertThrows(IllegalStateException.class, () -> decoder.push(1));
    }

    @Test
    void specialTokensStreamAsTheirText() {
        int think = tokenizer.tokenId("</think>").orElseThrow();
        int eos = tokenizer.tokenId("<SPECIAL_12>").orElseThrow();
        IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
        assertEquals("</think>", decoder.push(think));
        assertEquals("<SPECIAL_12>", decoder.push(eos));
    }
}
