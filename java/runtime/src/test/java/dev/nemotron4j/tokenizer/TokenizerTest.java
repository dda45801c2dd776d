package dev.nemotron4j.tokenizer;

import static dev.nemotron4j.testing.LoadErrors.assertLoadError;
import static dev.nemotron4j.tokenizer.TokenizerFixtures.byteToken;
import static dev.nemotron4j.tokenizer.TokenizerFixtures.ints;
import static dev.nemotron4j.tokenizer.TokenizerFixtures.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer reproduces Hugging Face tokenizers' ids and texts on the fixtures, offline. */
class TokenizerTest {
    private static Tokenizer tokenizer;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.fromModelFolder(TokenizerFixtures.tokenizerTiny());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void everyGoldenCaseEncodesToHuggingFacesIdsAndDecodesBack() {
        JsonNode golden = json(TokenizerFixtures.tokenizerTiny().resolve("golden_tokens.json"));
        for (JsonNode c : golden.get("cases")) {
            String text = c.get("text").textValue();
            assertArrayEquals(ints(c.get("ids")), tokenizer.encode(text), text);
            assertEquals(text, tokenizer.decode(ints(c.get("ids"))), text);
        }
        assertEquals(golden.get("vocab_size").intValue(), tokenizer.vocabSize());
    }

    @Test
    void specialTokensAreSingleIdsBothWays() {
        JsonNode special = json(TokenizerFixtures.tokenizerTiny().resolve("golden_tokens.json")).get("special_ids");
        for (Iterator<Map.Entry<String, JsonNode>> it = special.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().intValue();
            assertEquals(OptionalInt.of(id), tokenizer.tokenId(e.getKey()), e.getKey());
            assertEquals(e.getKey(), tokenizer.tokenText(id));
            assertArrayEquals(new int[] {id}, tokenizer.encode(e.getKey()), e.getKey());
            assertEquals(e.getKey(), tokenizer.decode(new int[] {id}), "special tokens are kept on decode");
        }
    }

    @Test
    void chatDemoPromptsAndRepliesMatchExactly() {
        try (Tokenizer chat = Tokenizer.fromModelFolder(TokenizerFixtures.tinyChat())) {
            for (JsonNode c : json(TokenizerFixtures.tinyChat().resolve("chat_demo.json")).get("cases")) {
                String name = c.get("name").textValue();
                assertArrayEquals(ints(c.get("prompt_ids")), chat.encode(c.get("prompt_text").textValue()), name);
                if (c.has("greedy_ids")) {
                    assertEquals(c.get("greedy_text").textValue(), chat.decode(ints(c.get("greedy_ids"))), name);
                } else { // the thinking-budget case: reasoning, then the forced text's own tokens, then the answer
                    for (String part : new String[] {"reasoning", "forced", "answer"}) {
                        assertEquals(c.get(part + "_text").textValue(), chat.decode(ints(c.get(part + "_ids"))), name);
                    }
                    assertArrayEquals(ints(c.get("forced_ids")), chat.encode(c.get("forced_text").textValue()), name);
                }
            }
        }
    }

    @Test
    void longTextIsNeitherTruncatedNorPadded() {
        // DJL's defaults would cut at 512 tokens
        String text = "What is 2+2? 2 + 2 equals **4**.\n".repeat(200);
        int[] ids = tokenizer.encode(text);
        assertTrue(ids.length > 3000, "ids: " + ids.length);
        assertEquals(text, tokenizer.decode(ids));
        assertEquals(0, tokenizer.encode("").length);
        assertEquals("", tokenizer.decode(new int[0]));
    }

    @Test
    void tokenTextIsTheVocabularyEntry() {
        assertEquals("Ġ", tokenizer.tokenText(tokenizer.encode(" ")[0]), "byte-level symbol of a space");
        assertEquals("Ċ", tokenizer.tokenText(tokenizer.encode("\n")[0]));
        assertEquals(" ", tokenizer.decode(new int[] {byteToken(tokenizer, ' ')}));
        assertEquals(OptionalInt.empty(), tokenizer.tokenId("<no such token>"));
    }

    @Test
    void idsOutsideTheVocabularyAreRequestErrors() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> tokenizer.decode(new int[] {5, 512}));
        assertTrue(e.getMessage().contains("token id 512 at index 1"), e.getMessage());
        assertThrows(InvalidRequestException.class, () -> tokenizer.decode(new int[] {-1}));
        assertThrows(InvalidRequestException.class, () -> tokenizer.tokenText(512));
    }

    @Test
    void textThatIsNotUtf8IsEncodedLikeItsReplacement() {
        // an unpaired surrogate has no UTF-8 form; it must neither crash nor vanish
        assertArrayEquals(tokenizer.encode("a\uFFFDb"), tokenizer.encode("a\uD800b"));
        assertArrayEquals(tokenizer.encode("\uFFFD\uFFFD😊\uFFFD"), tokenizer.encode("\uDE0A\uD83D😊\uD83D"));
    }

    @Test
    void missingTokenizerJsonIsNamed() {
        assertLoadError(() -> Tokenizer.fromModelFolder(dir), dir.resolve("tokenizer.json").toString(), "missing");
    }

    @Test
    void malformedTokenizerJsonIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 0,");
        assertLoadError(() -> Tokenizer.fromModelFolder(dir), file.toString(), "not valid JSON");
        Files.writeString(file, "{\"model\": {\"type\": \"BPE\"}}");
        assertLoadError(() -> Tokenizer.fromModelFolder(dir), file.toString(), "model.vocab");
        Files.writeString(file, "{\"model\": {\"vocab\": {\"a\": \"zero\"}}}");
        assertLoadError(() -> Tokenizer.fromModelFolder(dir), file.toString(), "the id of \"a\" should be an integer");
    }

    @Test
    void jsonThatHuggingFaceRejectsIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("tokenizer.json"),
                "{\"model\": {\"type\": \"NoSuchModel\", \"vocab\": {\"a\": 0}}}");
        assertLoadError(() -> Tokenizer.fromModelFolder(dir), file.toString(), "not a tokenizer");
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFailsCleanly() {
        Tokenizer t = Tokenizer.fromModelFolder(TokenizerFixtures.tokenizerTiny());
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, () -> t.encode("a"));
    }
}
