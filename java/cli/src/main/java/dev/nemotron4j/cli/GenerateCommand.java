package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.ChatSession;
import dev.nemotron4j.NemotronModel;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nemotron4j generate}: one chat turn, streamed, optionally as JSON. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Answer one prompt with the model's chat template, streaming the reasoning (dimmed) and "
                + "the answer. With --thinking-budget N the reasoning is cut after N tokens and the answer follows "
                + "in the same pass."})
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "the user message")
    String prompt;

    @Mixin
    ConversationOptions conversation;

    @Option(names = "--think", negatable = true, description = "reasoning on (--think) or off (--no-think); default: as the prompts say")
    Boolean think;

    @Option(names = "--json", description = "print only one JSON object: {reasoning, content, finish_reason, usage}")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (NemotronModel m = NemotronModel.load(model.directory(), model.options());
                ChatSession chat = m.newChat(conversation.chatOptions(think))) {
            var generation = sampling.apply(m.generationDefaults());
            ChatReply reply = json ? chat.send(prompt, generation)
                    : chat.stream(prompt, generation, new ReplyPrinter(out, System.console() != null));
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(toJson(reply)));
            }
        }
        out.flush();
        return 0;
    }

    static Map<String, Object> toJson(ChatReply reply) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", reply.usage().promptTokens());
        usage.put("completion_tokens", reply.usage().completionTokens());
        usage.put("total_tokens", reply.usage().totalTokens());
        usage.put("reasoning_tokens", reply.usage().reasoningTokens());
        usage.put("cached_tokens", reply.usage().cachedTokens());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("reasoning", reply.reasoning());
        root.put("content", reply.content());
        root.put("finish_reason", reply.finishReason().wireName());
        if (!reply.toolCalls().isEmpty()) {
            root.put("tool_calls", reply.toolCalls());
        }
        root.put("usage", usage);
        return root;
    }
}
