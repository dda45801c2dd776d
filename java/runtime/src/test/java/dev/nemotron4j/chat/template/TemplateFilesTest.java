package dev.nemotron4j.chat.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a model folder's template and special tokens come from, and what a missing or bad file says. */
class TemplateFilesTest {
    @TempDir
    Path dir;

    private ChatTemplate load(String tokenizerConfig) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        return ChatTemplate.fromModelFolder(dir);
    }

    private String render(ChatTemplate t) {
        return t.render(RenderRequest.builder().message("user", "hi").build());
    }

    @Test
    void bothBundledTokenizerConfigsCarryTheSameTemplate() {
        assertEquals(ChatTemplate.fromModelFolder(RepoPaths.model("tokenizer-tiny")).source(),
                ChatTemplate.fromModelFolder(RepoPaths.model("nemotron-h-tiny-chat")).source());
    }

    @Test
    void readsAStringTemplateAndTheSpecialTokens() throws IOException {
        ChatTemplate t = load("{\"chat_template\": \"{{ bos_token }}{{ messages[0].content }}{{ eos_token }}\","
                + " \"bos_token\": {\"content\": \"<|begin|>\", \"lstrip\": false}, \"eos_token\": \"<|end|>\","
                + " \"pad_token\": null, \"additional_special_tokens\": [\"<a>\", {\"content\": \"<b>\"}]}");
        assertEquals("<|begin|>hi<|end|>", render(t));
        assertEquals(List.of("<a>", "<b>"), t.specialTokens().get("additional_special_tokens"));
        assertTrue(!t.specialTokens().containsKey("pad_token"));
    }

    @Test
    void usesTheDefaultOfNamedTemplates() throws IOException {
        ChatTemplate t = load("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"},"
                + " {\"name\": \"default\", \"template\": \"D{{ messages | length }}\"}]}");
        assertEquals("D1", render(t));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> load("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}]}"));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("\"default\""), e.getMessage());
    }

    @Test
    void chatTemplateJinjaWinsOverTheConfig() throws IOException {
        Files.writeString(dir.resolve("chat_template.jinja"), "from jinja {{ eos_token }}\n");
        ChatTemplate t = load("{\"chat_template\": \"from config\", \"eos_token\": \"</s>\"}");
        assertEquals("from jinja </s>", render(t));
    }

    @Test
    void chatTemplateJinjaAloneIsEnough() throws IOException {
        Files.writeString(dir.resolve("chat_template.jinja"), "only {{ messages[0].role }}");
        assertEquals("only user", render(ChatTemplate.fromModelFolder(dir)));
    }

    @Test
    void aMissingTemplateNamesTheFiles() throws IOException {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ChatTemplate.fromModelFolder(dir));
        assertTrue(e.getMessage().contains("chat_template.jinja") && e.getMessage().contains("tokenizer_config.json"),
                e.getMessage());
        e = assertThrows(ModelLoadException.class, () -> load("{\"bos_token\": \"<s>\"}"));
        assertTrue(e.getMessage().contains(dir.resolve("tokenizer_config.json").toString())
                && e.getMessage().contains("\"chat_template\""), e.getMessage());
    }

    @Test
    void malformedFilesNameTheFile() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load("{\"chat_template\": "));
        assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
        e = assertThrows(ModelLoadException.class, () -> load("{\"chat_template\": 42}"));
        assertTrue(e.getMessage().contains("must be a string"), e.getMessage());
        e = assertThrows(ModelLoadException.class, () -> load("{\"chat_template\": \"{% for %}\"}"));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("does not compile"),
                e.getMessage());
    }
}
