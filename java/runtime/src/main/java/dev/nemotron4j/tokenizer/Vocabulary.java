package dev.nemotron4j.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The id ↔ token tables of a {@code tokenizer.json}: {@code model.vocab} plus {@code added_tokens},
 * which DJL's binding does not expose. Read with a streaming parser so that a real vocabulary's merges
 * (hundreds of thousands of entries) are skipped, not materialized. Lookups follow Hugging Face
 * {@code tokenizers}: an added token wins over a vocabulary entry with the same id or text.
 */
final class Vocabulary {
    private static final JsonFactory JSON = new JsonFactory();
    /**
     * The id table is an array indexed by id, so a stray huge id must not size it. Real vocabularies
     * have up to ~262k ids (Nemotron 131,072); 2^24 leaves room and costs at most 128 MiB.
     */
    static final int MAX_IDS = 1 << 24;

    private final String[] tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(String[] tokens, Map<String, Integer> ids) {
        this.tokens = tokens;
        this.ids = ids;
    }

    /**
     * Reads the tables from a tokenizer.json's bytes.
     *
     * @param source the file's name, used in error messages
     * @throws ModelLoadException naming {@code source} when the JSON is malformed or has no vocabulary
     */
    static Vocabulary read(byte[] tokenizerJson, String source) {
        Map<Integer, String> vocab = new HashMap<>();
        Map<Integer, String> added = new HashMap<>();
        try (JsonParser p = JSON.createParser(tokenizerJson)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "the file", source);
            boolean hasVocab = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("added_tokens") && value == JsonToken.START_ARRAY) {
                    readAddedTokens(p, added, source);
                } else if (field.equals("model") && value == JsonToken.START_OBJECT) {
                    hasVocab |= readModel(p, vocab, source);
                } else {
                    p.skipChildren();
                }
            }
            if (!hasVocab) {
                throw new ModelLoadException(source + ": no \"model.vocab\"; is this a Hugging Face tokenizer.json?");
            }
        } catch (JsonProcessingException e) {
            throw new ModelLoadException(source + ": not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) { // not thrown by a parser over bytes in memory, but declared
            throw new ModelLoadException(source + ": " + e.getMessage(), e);
        }
        return build(vocab, added, source);
    }

    /** 1 + the highest id: the size of the id space (Hugging Face's vocabulary size with added tokens). */
    int size() {
        return tokens.length;
    }

    /** The token with this id, or null for an id outside the vocabulary. */
    String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Reads {@code model}; true when it had a {@code vocab}. */
    private static boolean readModel(JsonParser p, Map<Integer, String> vocab, String source) throws IOException {
        boolean found = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("vocab") && value == JsonToken.START_OBJECT) {
                // BPE and WordPiece: {"token": id, ...}
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    expect(p, p.nextToken(), JsonToken.VALUE_NUMBER_INT, "the id of \"" + token + "\"", source);
                    vocab.put(p.getIntValue(), token);
                }
                found = true;
            } else if (field.equals("vocab") && value == JsonToken.START_ARRAY) {
                // Unigram: [["token", score], ...], the id being the position
                int id = 0;
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    expect(p, p.nextToken(), JsonToken.VALUE_STRING, "model.vocab[" + id + "][0]", source);
                    vocab.put(id++, p.getText());
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                    }
                }
                found = true;
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    /** Reads {@code added_tokens}: [{"id": 10, "content": "<SPECIAL_10>", ...}, ...]. */
    private static void readAddedTokens(JsonParser p, Map<Integer, String> added, String source) throws IOException {
        int index = 0;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            Integer id = null;
            String content = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("id") && value == JsonToken.VALUE_NUMBER_INT) {
                    id = p.getIntValue();
                } else if (field.equals("content") && value == JsonToken.VALUE_STRING) {
                    content = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if (id == null || content == null) {
                throw new ModelLoadException(source + ": added_tokens[" + index + "] needs an integer \"id\" and a"
                        + " string \"content\"");
            }
            added.put(id, content);
            index++;
        }
    }

    private static Vocabulary build(Map<Integer, String> vocab, Map<Integer, String> added, String source) {
        Map<Integer, String> all = new HashMap<>(vocab);
        all.putAll(added);
        if (all.isEmpty()) {
            throw new ModelLoadException(source + ": the vocabulary is empty");
        }
        int minId = all.keySet().stream().mapToInt(Integer::intValue).min().orElseThrow();
        if (minId < 0) {
            throw new ModelLoadException(source + ": negative token id " + minId);
        }
        int maxId = all.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
        if (maxId >= MAX_IDS) {
            throw new ModelLoadException(source + ": token id " + maxId + " is beyond the " + MAX_IDS
                    + " ids a vocabulary may have here");
        }
        String[] tokens = new String[maxId + 1];
        Map<String, Integer> ids = new HashMap<>(all.size() * 2);
        vocab.forEach((id, token) -> ids.put(token, id));
        added.forEach((id, token) -> ids.put(token, id));
        all.forEach((id, token) -> tokens[id] = token);
        return new Vocabulary(tokens, ids);
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what, String source) {
        if (actual != expected) {
            throw new ModelLoadException(source + ": " + what + " should be " + describe(expected) + " but is "
                    + (actual == null ? "missing" : describe(actual)) + " (line " + p.currentLocation().getLineNr()
                    + ")");
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_STRING -> "a string";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
