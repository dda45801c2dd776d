package dev.nemotron4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The tokenizer fixtures in models/ and the byte-level alphabet their tokenizer.json is written in. */
final class TokenizerFixtures {
    private TokenizerFixtures() {}

    /** 512-token byte-level BPE with Nemotron's special tokens, and golden_tokens.json made by HF tokenizers. */
    static Path tokenizerTiny() {
        return RepoPaths.model("tokenizer-tiny");
    }

    /** The bundled chat model: the same tokenizer.json, and chat_demo.json with exact prompts and replies. */
    static Path tinyChat() {
        return RepoPaths.model("nemotron-h-tiny-chat");
    }

    static JsonNode json(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    /**
     * The vocabulary entry of one raw byte in GPT-2's byte-level alphabet (bytes_to_unicode): printable
     * Latin-1 bytes stand for themselves, the other 68 map in order to U+0100 upwards.
     */
    static String byteSymbol(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
            return String.valueOf((char) b);
        }
        int n = 0;
        for (int c = 0; c < b; c++) {
            boolean printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF);
            if (!printable) {
                n++;
            }
        }
        return String.valueOf((char) (256 + n));
    }

    /** The id of the token that is exactly one raw byte. */
    static int byteToken(Tokenizer tokenizer, int b) {
        return tokenizer.tokenId(byteSymbol(b)).orElseThrow(() -> new AssertionError("no token for byte " + b));
    }
}
