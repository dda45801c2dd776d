package dev.nemotron4j.chat.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a model folder's chat template and special tokens the way transformers' tokenizer loading
 * does: {@code chat_template.jinja} wins over {@code tokenizer_config.json}'s {@code chat_template}, which
 * is a string or a list of {@code {name, template}} of which "default" is used; the special tokens
 * ({@code bos_token}, {@code eos_token}, ...) are strings or {@code {"content": ...}} objects.
 */
final class TemplateFiles {
    static final String CONFIG = "tokenizer_config.json";
    static final String JINJA = "chat_template.jinja";
    private static final List<String> TOKENS = List.of("bos_token", "eos_token", "unk_token", "sep_token",
            "pad_token", "cls_token", "mask_token");

    /** The template source, where it came from, and the special tokens as template variables. */
    record Found(String source, Path origin, Map<String, Object> specialTokens) {}

    private TemplateFiles() {}

    static Found read(Path dir) {
        Path configPath = dir.resolve(CONFIG);
        JsonNode config = Files.isRegularFile(configPath) ? parse(configPath) : null;
        Map<String, Object> tokens = config == null ? Map.of() : specialTokens(config, configPath);
        Path jinjaPath = dir.resolve(JINJA);
        if (Files.isRegularFile(jinjaPath)) {
            try {
                return new Found(Files.readString(jinjaPath, StandardCharsets.UTF_8), jinjaPath, tokens);
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + jinjaPath + ": " + e.getMessage(), e);
            }
        }
        if (config == null) {
            throw new ModelLoadException("no chat template in " + dir + ": neither " + JINJA + " nor " + CONFIG + " exists");
        }
        JsonNode template = config.get("chat_template");
        if (template == null || template.isNull()) {
            throw new ModelLoadException(configPath + " has no \"chat_template\" and there is no " + JINJA
                    + " beside it; pass a template with ChatTemplate.of(source)");
        }
        return new Found(templateSource(template, configPath), configPath, tokens);
    }

    private static JsonNode parse(Path path) {
        try {
            return new ObjectMapper().readTree(path.toFile());
        } catch (IOException e) {
            throw new ModelLoadException("cannot parse " + path + ": " + e.getMessage(), e);
        }
    }

    private static String templateSource(JsonNode template, Path path) {
        if (template.isTextual()) {
            return template.asText();
        }
        if (template.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode entry : template) {
                String name = entry.path("name").asText(null);
                names.add(name);
                if ("default".equals(name) && entry.path("template").isTextual()) {
                    return entry.get("template").asText();
                }
            }
            throw new ModelLoadException(path + ": \"chat_template\" lists templates " + names
                    + " but none is named \"default\"; pass the one to use with ChatTemplate.of(source)");
        }
        throw new ModelLoadException(path + ": \"chat_template\" must be a string or a list of {name, template}");
    }

    private static Map<String, Object> specialTokens(JsonNode config, Path path) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : TOKENS) {
            String token = token(config.get(name), path, name);
            if (token != null) {
                out.put(name, token);
            }
        }
        JsonNode additional = config.get("additional_special_tokens");
        if (additional != null && additional.isArray() && additional.size() > 0) {
            List<Object> list = new ArrayList<>();
            additional.forEach(t -> list.add(token(t, path, "additional_special_tokens")));
            out.put("additional_special_tokens", list);
        }
        return out;
    }

    private static String token(JsonNode node, Path path, String name) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject() && node.path("content").isTextual()) {
            return node.get("content").asText();
        }
        throw new ModelLoadException(path + ": \"" + name + "\" must be a string or {\"content\": ...}");
    }
}
