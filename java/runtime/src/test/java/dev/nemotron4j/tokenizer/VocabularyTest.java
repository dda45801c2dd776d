package dev.nemotron4j.tokenizer;

import static dev.nemotron4j.testing.LoadErrors.assertLoadError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The id ↔ token tables come from model.vocab and added_tokens, whatever else tokenizer.json holds. */
class VocabularyTest {
    private static Vocabulary read(String json) {
        return Vocabulary.read(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), "t.json");
    }

    @Test
    void bpeVocabularyWithAddedTokensAndSkippedMerges() {
        Vocabulary v = read("{'version': '1.0', 'added_tokens': [{'id': 3, 'content': '<think>', 'special': true}],"
                + " 'normalizer': null, 'model': {'type': 'BPE', 'vocab': {'a': 0, 'b': 1, 'ab': 2, 'x': 3},"
                + " 'merges': [['a', 'b']], 'dropout': null}, 'decoder': {'type': 'ByteLevel'}}");
        assertEquals(4, v.size());
        assertEquals("ab", v.token(2));
        assertEquals("<think>", v.token(3), "an added token wins over the vocabulary entry with its id");
        assertEquals(OptionalInt.of(3), v.id("<think>"));
        assertEquals(OptionalInt.of(3), v.id("x"), "the replaced entry still finds its id, as in HF");
        assertNull(v.token(4));
        assertNull(v.token(-1));
    }

    @Test
    void unigramVocabularyIsAListOfPiecesAndScores() {
        Vocabulary v = read("{'model': {'type': 'Unigram', 'unk_id': 0, 'vocab': [['<unk>', 0.0], ['▁a', -1.5],"
                + " ['b', -2.0]]}, 'added_tokens': [{'id': 3, 'content': '<s>'}]}");
        assertEquals(4, v.size());
        assertEquals("▁a", v.token(1));
        assertEquals(OptionalInt.of(2), v.id("b"));
        assertEquals(OptionalInt.of(3), v.id("<s>"));
    }

    @Test
    void problemsNameTheFileAndWhat() {
        assertLoadError(() -> read("[1, 2]"), "t.json", "the file should be an object but is an array");
        assertLoadError(() -> read("{'model': {'vocab': {}}}"), "t.json", "the vocabulary is empty");
        assertLoadError(() -> read("{'model': {'vocab': {'a': -2}}}"), "t.json", "negative token id -2");
        assertLoadError(() -> read("{'model': {'vocab': {'a': 2147483647}}}"), "t.json", "token id 2147483647 is beyond");
        assertLoadError(() -> read("{'model': {'vocab': {'a': 0}}, 'added_tokens': [{'id': 1}]}"), "t.json",
                "added_tokens[0] needs an integer \"id\" and a string \"content\"");
        assertLoadError(() -> read("{'model': {'vocab': {'a': 0}}"), "t.json", "not valid JSON");
    }
}
