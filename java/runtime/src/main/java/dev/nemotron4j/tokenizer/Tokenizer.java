package dev.nemotron4j.tokenizer;

import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.LibUtils;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ModelLoadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A model folder's {@code tokenizer.json}, run by Hugging Face {@code tokenizers} (Rust) through DJL.
 * Text goes in as the chat template renders it: special-token strings such as {@code <SPECIAL_10>} or
 * {@code <think>} in the text become their single ids, and nothing is added around it (no BOS/EOS, no
 * truncation, no padding). Decoding keeps special tokens, so {@code </think>} and {@code <SPECIAL_12>}
 * appear in the text. Streaming detokenization is {@link IncrementalDecoder}'s job.
 *
 * <p>Owns native memory (DJL's Rust tokenizer): {@link #close()} it. Safe to share between threads
 * (the Rust tokenizer is immutable once built); do not close it while another thread uses it.
 * Everything stays offline: see {@link DjlSwitches}.
 */
public final class Tokenizer implements AutoCloseable {
    /**
     * DJL options: special tokens are not added (the template writes them), truncation and padding off
     * (DJL's defaults would cut at 512 tokens and pad batches). No tokenizer_config.json is passed, so DJL
     * applies no lower-casing, accent stripping, prefix space or clean-up of spaces on decode.
     */
    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "false",
            "withOverflowingTokens", "false",
            "truncation", "false",
            "padding", "false");

    private final HuggingFaceTokenizer tokenizer;
    private final Vocabulary vocabulary;
    private final Path file;

    private Tokenizer(HuggingFaceTokenizer tokenizer, Vocabulary vocabulary, Path file) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.file = file;
    }

    /**
     * Loads {@code dir/tokenizer.json}. Reads nothing from the network: the native library comes from
     * DJL's jar (extracted once into DJL's cache, {@code ~/.djl.ai/tokenizers/} unless
     * {@code ENGINE_CACHE_DIR} or {@code DJL_CACHE_DIR} says otherwise).
     *
     * @throws ModelLoadException naming the file when it is missing, unreadable or not a tokenizer
     * @throws IllegalStateException when DJL's native library cannot be loaded on this platform
     */
    public static Tokenizer fromModelFolder(Path dir) {
        DjlSwitches.apply(); // before the first DJL class that reads them initializes
        Path file = dir.resolve("tokenizer.json");
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file + ": missing; the model folder needs Hugging Face's tokenizer.json", e);
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot be read: " + e.getMessage(), e);
        }
        Vocabulary vocabulary = Vocabulary.read(json, file.toString());
        loadNativeLibrary();
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), OPTIONS);
            return new Tokenizer(tokenizer, vocabulary, file);
        } catch (IOException | RuntimeException e) {
            // the Rust side reports a JSON it cannot build a tokenizer from as a RuntimeException
            throw new ModelLoadException(file + ": not a tokenizer Hugging Face tokenizers can load: "
                    + e.getMessage(), e);
        }
    }

    /** Loads DJL's native library first, so that its failure is not reported as a broken tokenizer.json. */
    private static void loadNativeLibrary() {
        try {
            LibUtils.checkStatus();
        } catch (EngineException | LinkageError e) {
            throw new IllegalStateException("cannot load the Hugging Face tokenizers native library from DJL's jar"
                    + " (ai.djl.huggingface:tokenizers) on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ": " + e.getMessage(), e);
        }
    }

    /**
     * The token ids of {@code text}, special-token strings included as their ids; nothing added. An
     * unpaired surrogate (no UTF-8 form) is encoded as one U+FFFD.
     */
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        long[] ids = tokenizer.encode(replaceUnpairedSurrogates(text), false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /**
     * The text of {@code ids}, special tokens kept. Bytes that do not form UTF-8 (a character cut by the
     * end of the ids) become U+FFFD, as in Hugging Face.
     *
     * @throws InvalidRequestException naming the first id outside the vocabulary
     */
    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /** {@link #decode(int[])} of {@code ids[from, to)}; {@link IncrementalDecoder} decodes windows with it. */
    String decode(int[] ids, int from, int to) {
        Objects.checkFromToIndex(from, to, ids.length);
        long[] window = new long[to - from];
        for (int i = from; i < to; i++) {
            checkId(ids[i], i);
            window[i - from] = ids[i];
        }
        return tokenizer.decode(window, false);
    }

    /**
     * Every id decoded alone, in one call to the native tokenizer: element {@code id} is
     * {@code decode(new int[] {id})} ({@code ""} for an id with no vocabulary entry). For a byte-level
     * tokenizer (Nemotron's) that is exactly what the id adds to any decoded text, unless it holds part of
     * a UTF-8 character (then U+FFFD).
     *
     * @param skipSpecialTokens true decodes special tokens to {@code ""}, as Hugging Face's
     *                          {@code skip_special_tokens}
     */
    public String[] decodeEach(boolean skipSpecialTokens) {
        int size = vocabSize();
        long[][] ids = new long[size][];
        for (int id = 0; id < size; id++) {
            ids[id] = vocabulary.token(id) == null ? new long[0] : new long[] {id};
        }
        return tokenizer.batchDecode(ids, skipSpecialTokens);
    }

    /** The id of a vocabulary entry or added token, e.g. {@code tokenId("<think>")}; empty when unknown. */
    public OptionalInt tokenId(String token) {
        return vocabulary.id(token);
    }

    /**
     * The vocabulary entry of {@code id} as tokenizer.json spells it (Hugging Face's
     * {@code convert_ids_to_tokens}): {@code "<think>"} for a special token, but byte-level symbols for
     * ordinary ones ({@code "Ġequals"} for " equals"); use {@link #decode} for text.
     *
     * @throws InvalidRequestException when the id is outside the vocabulary
     */
    public String tokenText(int id) {
        checkId(id, -1);
        return vocabulary.token(id);
    }

    /** The size of the id space: 1 + the highest id of the vocabulary and added tokens. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** Frees the native tokenizer; idempotent. */
    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "Tokenizer[" + file + ", " + vocabSize() + " ids]";
    }

    /**
     * JNI hands the text to Rust as modified UTF-8, which turns an unpaired surrogate into three bytes
     * that are not UTF-8 and so into three U+FFFD; one U+FFFD is what the character stands for.
     */
    private static String replaceUnpairedSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private void checkId(int id, int index) {
        if (vocabulary.token(id) == null) {
            throw new InvalidRequestException("token id " + id + (index >= 0 ? " at index " + index : "")
                    + " is not in the vocabulary of " + file + " (ids 0.." + (vocabSize() - 1) + ")");
        }
    }
}
