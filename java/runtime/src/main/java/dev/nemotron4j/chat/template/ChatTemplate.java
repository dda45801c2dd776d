package dev.nemotron4j.chat.template;

import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.chat.template.jinja.JinjaTemplate;
import dev.nemotron4j.chat.template.jinja.TemplateRuntimeError;
import dev.nemotron4j.chat.template.jinja.TemplateSyntaxError;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template, rendering a conversation into the prompt text byte for byte as Hugging Face
 * transformers' {@code tokenizer.apply_chat_template(..., tokenize=False)} does (jinja2 sandbox,
 * {@code trim_blocks}, {@code lstrip_blocks}, loopcontrols, transformers' {@code tojson},
 * {@code raise_exception} and {@code strftime_now}; see {@link JinjaTemplate} for how).
 *
 * <pre>{@code
 * ChatTemplate template = ChatTemplate.fromModelFolder(Path.of("models/nemotron-h-tiny-chat"));
 * String prompt = template.render(RenderRequest.builder()
 *         .message("system", "You are helpful. /think").message("user", "What is 2+2?")
 *         .addGenerationPrompt(true).build());
 * }</pre>
 *
 * <p>The template sees {@code messages}, {@code tools} ({@code None} when absent), {@code documents}
 * ({@code None}), {@code add_generation_prompt}, the tokenizer's special tokens ({@code bos_token},
 * {@code eos_token}, ...) and the request's extra kwargs, as transformers passes them. Message text is
 * data: {@code {{ 7*7 }}} in a message renders as written. Immutable and thread-safe.
 */
public final class ChatTemplate {
    private final JinjaTemplate template;
    private final Map<String, Object> specialTokens;

    private ChatTemplate(JinjaTemplate template, Map<String, Object> specialTokens) {
        this.template = template;
        this.specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
    }

    /**
     * The template of a Hugging Face model folder: {@code chat_template.jinja} if present, else
     * {@code tokenizer_config.json}'s {@code chat_template} (a string, or the "default" of a list of
     * named templates), with the special tokens from {@code tokenizer_config.json}.
     *
     * @throws ModelLoadException naming the file when there is no template, a file is malformed, or the
     *     template does not compile
     */
    public static ChatTemplate fromModelFolder(Path dir) {
        TemplateFiles.Found found = TemplateFiles.read(dir);
        return new ChatTemplate(compile(found.source(), found.origin().toString()), found.specialTokens());
    }

    /** A template given as source (an override), with no special tokens defined. */
    public static ChatTemplate of(String source) {
        return of(source, Map.of());
    }

    /** A template given as source, with these special tokens ({@code bos_token}, ...) as variables. */
    public static ChatTemplate of(String source, Map<String, ?> specialTokens) {
        return new ChatTemplate(compile(source, "the given template"), new LinkedHashMap<>(specialTokens));
    }

    /** Another template source with this template's special tokens: a model folder's template overridden. */
    public ChatTemplate withSource(String source) {
        return new ChatTemplate(compile(source, "the given template"), specialTokens);
    }

    private static JinjaTemplate compile(String source, String origin) {
        if (source == null) {
            throw new ModelLoadException("chat template source must not be null");
        }
        try {
            return JinjaTemplate.compile(source);
        } catch (TemplateSyntaxError e) {
            throw new ModelLoadException("chat template in " + origin + " does not compile: " + e.getMessage(), e);
        }
    }

    public String source() {
        return template.source();
    }

    /** The special tokens the template sees as variables, e.g. {@code bos_token}. */
    public Map<String, Object> specialTokens() {
        return specialTokens;
    }

    /**
     * Renders a request into prompt text.
     *
     * @throws InvalidRequestException when the template rejects the request ({@code raise_exception}), fails
     *     on it (an undefined value, a wrong type: the message names the Python error), or
     *     {@code continueFinalMessage} cannot be applied
     */
    public String render(RenderRequest request) {
        return render(request, Clock.systemDefaultZone());
    }

    /** {@link #render(RenderRequest)} with the clock behind {@code strftime_now}. */
    public String render(RenderRequest request, Clock clock) {
        List<Map<String, Object>> messages = request.messages();
        ContinueFinalMessage.Marked marked = null;
        if (request.continueFinalMessage()) {
            marked = ContinueFinalMessage.mark(messages, template.source());
            messages = marked.messages();
        }
        Map<String, Object> variables = new HashMap<>(specialTokens);
        variables.putAll(request.templateKwargs());
        variables.put("messages", messages);
        variables.put("tools", request.tools());
        variables.put("documents", null);
        variables.put("add_generation_prompt", request.addGenerationPrompt());
        String rendered;
        try {
            rendered = template.render(variables, clock);
        } catch (TemplateRuntimeError e) {
            if (e.kind() == TemplateRuntimeError.Kind.RAISED) {
                throw new InvalidRequestException("the chat template rejected the request: " + e.getMessage());
            }
            throw new InvalidRequestException("the chat template failed on this request: " + pythonName(e.kind())
                    + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        return marked == null ? rendered : ContinueFinalMessage.cut(rendered, marked.finalText());
    }

    private static String pythonName(TemplateRuntimeError.Kind kind) {
        switch (kind) {
            case UNDEFINED: return "UndefinedError";
            case SECURITY: return "SecurityError";
            case VALUE: return "ValueError";
            default: return "TypeError";
        }
    }
}
