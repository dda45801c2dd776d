package dev.nemotron4j;

import dev.nemotron4j.chat.ChatResources;
import dev.nemotron4j.chat.PromptRenderer;
import dev.nemotron4j.generation.Generator;
import dev.nemotron4j.generation.constraint.ToolCallConstraint;
import dev.nemotron4j.generation.constraint.ToolCallGrammar;
import dev.nemotron4j.engine.EngineSequence;
import dev.nemotron4j.tokenizer.IncrementalDecoder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A conversation on the model's engine. Each turn renders the whole conversation with the model's chat
 * template and runs it as one engine request, which prefills only what is new: the request asks the
 * engine to snapshot the state at the end of the last user turn (before the generation prompt and the
 * reasoning, which the template drops from history), and the next turn's request resumes from that
 * snapshot through the engine's prefix cache when the new rendering starts with the same tokens
 * (otherwise it prefills from scratch). Turns of one session run one at a time; sessions run
 * concurrently, batched by the engine. {@link #close()} ends the session (it holds no native memory
 * between turns: snapshots belong to the engine's prefix cache).
 */
public final class ChatSession implements AutoCloseable {
    private static final SecureRandom SEEDS = new SecureRandom();

    private final NemotronModel model;
    private final ChatResources resources;
    private final ChatOptions options;
    private final PromptRenderer renderer;
    /** The forced tool choice's grammar, or null. */
    private final ToolCallGrammar toolCallGrammar;
    private final List<Map<String, Object>> messages = new ArrayList<>();
    private boolean closed;

    ChatSession(NemotronModel model, ChatResources resources, ChatOptions options) {
        this.model = model;
        this.resources = resources;
        // NONE: the tools stay out of the template, and nothing is parsed as a call
        this.options = options.toolChoice().kind() == ToolChoice.Kind.NONE
                ? options.toBuilder().tools(List.of()).build() : options;
        this.toolCallGrammar = toolCallGrammar(this.options);
        this.renderer = resources.renderer(options.chatTemplate());
        String system = options.systemContent();
        if (system != null) {
            messages.add(message("system", system));
        }
    }

    private ChatSession(ChatSession source) {
        this.model = source.model;
        this.resources = source.resources;
        this.options = source.options;
        this.renderer = source.renderer;
        this.toolCallGrammar = source.toolCallGrammar;
        this.messages.addAll(source.messages);
    }

    /** Sends a user message and returns the whole reply. */
    public ChatReply send(String userMessage, Generation generation) {
        return stream(userMessage, generation, delta -> {});
    }

    /** Sends a user message, streaming the reply's deltas to {@code listener} on this thread. */
    public ChatReply stream(String userMessage, Generation generation, Consumer<Delta> listener) {
        return turn(List.of(message("user", checkedText(userMessage))), generation, listener, () -> false,
                ReplyStart.NEW_ASSISTANT_MESSAGE);
    }

    /**
     * Appends messages of any role the template knows (e.g. {@code {"role":"tool","tool_call_id":…,
     * "content":…}} answering the last reply's tool calls) and streams the reply to them.
     */
    public ChatReply stream(List<Map<String, Object>> newMessages, Generation generation, Consumer<Delta> listener) {
        return stream(newMessages, generation, listener, () -> false);
    }

    /**
     * As {@link #stream(List, Generation, Consumer)}, stopped when {@code cancelled} turns true (e.g. the
     * client of a server went away). The engine polls it while the request is queued and between prefill
     * chunks, and the generation loop before every step; once it is true the sequence is freed at once and
     * the reply ends with {@link FinishReason#CANCELLED} and the text so far (the conversation still records
     * it). {@code cancelled} is called from the engine thread as well as this one: it must be cheap and
     * thread-safe (a volatile flag).
     */
    public ChatReply stream(List<Map<String, Object>> newMessages, Generation generation, Consumer<Delta> listener,
            BooleanSupplier cancelled) {
        return stream(newMessages, generation, listener, cancelled, ReplyStart.NEW_ASSISTANT_MESSAGE);
    }

    /**
     * As {@link #stream(List, Generation, Consumer, BooleanSupplier)}, with the reply starting where
     * {@code start} says: a new assistant message (the other overloads), the final assistant message
     * continued (its text so far is part of the prompt; the conversation then records the two joined), or
     * the conversation rendered without a generation prompt. Only a new assistant message leaves a
     * snapshot for the next turn.
     */
    public ChatReply stream(List<Map<String, Object>> newMessages, Generation generation, Consumer<Delta> listener,
            BooleanSupplier cancelled, ReplyStart start) {
        if (start == null) {
            throw new InvalidRequestException("start must not be null");
        }
        if (cancelled == null) {
            throw new InvalidRequestException("cancelled must not be null");
        }
        if (newMessages == null || newMessages.isEmpty()) {
            throw new InvalidRequestException("no messages to send");
        }
        List<Map<String, Object>> copies = new ArrayList<>();
        for (Map<String, Object> m : newMessages) {
            if (!(m.get("role") instanceof String)) {
                throw new InvalidRequestException("every message needs a string \"role\"");
            }
            copies.add(new LinkedHashMap<>(m));
        }
        return turn(copies, generation, listener, cancelled, start);
    }

    /** A tool's result for one of the last reply's calls, as the message to send back. */
    public static Map<String, Object> toolResult(ToolCall call, String content) {
        Map<String, Object> m = message("tool", content);
        m.put("tool_call_id", call.id());
        m.put("name", call.name());
        return m;
    }

    /**
     * Sends a user message and publishes the reply's deltas; generation runs on the publisher's
     * executor. Cancelling the subscription stops generation and frees the sequence at once.
     */
    public Flow.Publisher<Delta> publish(String userMessage, Generation generation) {
        SubmissionPublisher<Delta> publisher = new SubmissionPublisher<>();
        return subscriber -> {
            publisher.subscribe(subscriber);
            Thread worker = new Thread(() -> {
                try {
                    turn(List.of(message("user", checkedText(userMessage))), generation, publisher::submit,
                            () -> publisher.getNumberOfSubscribers() == 0, ReplyStart.NEW_ASSISTANT_MESSAGE);
                    publisher.close();
                } catch (RuntimeException e) {
                    publisher.closeExceptionally(e);
                }
            }, "nemotron4j-reply");
            worker.setDaemon(true);
            worker.start();
        };
    }

    /** The conversation so far (system, user and assistant messages as the template receives them). */
    public synchronized List<Map<String, Object>> messages() {
        return List.copyOf(messages);
    }

    /** An independent copy of this conversation and its state: the two continue separately. */
    public synchronized ChatSession fork() {
        checkOpen();
        return new ChatSession(this);
    }

    private static String checkedText(String userMessage) {
        if (userMessage == null) {
            throw new InvalidRequestException("the user message must not be null");
        }
        return userMessage;
    }

    /**
     * Renders the turn {@code newMessages} would start and checks it without running it (e.g. before a
     * server commits to a streamed answer): the template's errors and a prompt over the context throw here
     * as they would from {@code stream}. Returns the prompt's length in tokens.
     *
     * @throws InvalidRequestException when the template cannot render the turn (e.g. nothing to continue)
     * @throws ContextLengthExceededException when the prompt fills the model's context
     */
    public synchronized int checkTurn(List<Map<String, Object>> newMessages, ReplyStart start) {
        checkOpen();
        if (newMessages == null || start == null) {
            throw new InvalidRequestException("newMessages and start must not be null");
        }
        return render(newMessages, start).tokens().length;
    }

    /** The conversation with a turn's new messages, its prompt and the prompt's tokens. */
    private record RenderedTurn(List<Map<String, Object>> conversation, String prompt, int[] tokens) {}

    private RenderedTurn render(List<Map<String, Object>> newMessages, ReplyStart start) {
        List<Map<String, Object>> next = new ArrayList<>(messages);
        next.addAll(newMessages);
        String prompt = renderer.render(next, options.tools(), options.templateKwargs(), start);
        int[] tokens = resources.tokenizer().encode(prompt);
        int context = model.contextLength();
        if (tokens.length >= context) {
            throw new ContextLengthExceededException("the prompt has " + tokens.length
                    + " tokens; the model's context length is " + context);
        }
        return new RenderedTurn(next, prompt, tokens);
    }

    private synchronized ChatReply turn(List<Map<String, Object>> newMessages, Generation generation,
            Consumer<Delta> listener, BooleanSupplier cancelled, ReplyStart start) {
        checkOpen();
        RenderedTurn rendered = render(newMessages, start);
        List<Map<String, Object>> next = rendered.conversation();
        String prompt = rendered.prompt();
        int[] promptTokens = rendered.tokens();
        int[] historyTokens = new int[0];
        if (start == ReplyStart.NEW_ASSISTANT_MESSAGE) {
            String history = renderer.render(next, options.tools(), options.templateKwargs(), false);
            historyTokens = prompt.startsWith(history) ? resources.tokenizer().encode(history) : new int[0];
        }
        if (!startsWith(promptTokens, historyTokens) || historyTokens.length == promptTokens.length) {
            historyTokens = new int[0];  // the template's history is not a token prefix: no split point
        }

        try (EngineSequence sequence = model.engine().open(generation.priority(), generation.timeout(), cancelled)) {
            // The end of the last user turn is where the next turn diverges (the template drops this
            // turn's reasoning from history): the engine keeps a snapshot there for the next turn.
            if (historyTokens.length > 0) {
                sequence.feed(historyTokens);
                sequence.markSnapshot();
            }
            sequence.feed(Arrays.copyOfRange(promptTokens, historyTokens.length, promptTokens.length));
            // Without a generation prompt the model writes the next header itself: the split starts in content.
            boolean startsInReasoning = start != ReplyStart.NO_GENERATION_PROMPT && startsInReasoning(prompt);
            ChatReply reply = generate(sequence, generation, promptTokens, startsInReasoning, listener, cancelled);
            messages.clear();
            messages.addAll(next);
            if (start == ReplyStart.CONTINUE_FINAL_MESSAGE) {
                // The continued text joins the final message (reasoning is dropped from history anyway).
                Map<String, Object> last = messages.remove(messages.size() - 1);
                Object before = last.get("content");
                Map<String, Object> joined = assistantMessage(reply);
                if (!startsInReasoning && before instanceof String text) {
                    joined.put("content", text + reply.content());
                }
                messages.add(joined);
            } else {
                messages.add(assistantMessage(reply));
            }
            return reply;
        }
    }

    private ChatReply generate(EngineSequence sequence, Generation generation, int[] promptTokens,
            boolean startsInReasoning, Consumer<Delta> listener, BooleanSupplier cancelled) {
        int room = model.contextLength() - promptTokens.length;
        Generation bounded = generation.maxTokens() <= room ? generation
                : generation.toBuilder().maxTokens(room).build();
        String forcedText = generation.budgetForcedText();
        int close = forcedText.indexOf("</think>");
        int[] forced = resources.tokenizer().encode(forcedText);
        int[] forcedAtNewline = close > 0 ? resources.tokenizer().encode(forcedText.substring(close)) : forced;
        ToolCallConstraint toolCall = toolCallGrammar == null ? null
                : new ToolCallConstraint(toolCallGrammar, resources.tokenTable());
        var setup = new Generator.Setup(resources.endOfTurnIds(), forced, forcedAtNewline, startsInReasoning,
                !options.tools().isEmpty(), promptTokens.length,
                resources.tokenizer().tokenId("</think>").orElse(-1), toolCall);
        var text = dev.nemotron4j.generation.TokenText.of(new IncrementalDecoder(resources.tokenizer()));
        long seed = generation.seed() != null ? generation.seed() : SEEDS.nextLong();
        return new Generator(sequence, text, setup, bounded, seed, listener, cancelled).run();
    }

    /** The grammar a forced tool choice constrains answers to: one call to the function, or calls to any tool. */
    private static ToolCallGrammar toolCallGrammar(ChatOptions options) {
        ToolChoice choice = options.toolChoice();
        return switch (choice.kind()) {
            case AUTO, NONE -> null;
            case FUNCTION -> ToolCallGrammar.oneCall(choice.name());
            case REQUIRED -> options.parallelToolCalls()
                    ? ToolCallGrammar.oneOrMoreCalls(ToolChoice.functionNames(options.tools()))
                    : ToolCallGrammar.oneCallOf(ToolChoice.functionNames(options.tools()));
        };
    }

    /** The assistant turn as the template re-renders it: the answer (reasoning is dropped) and tool calls. */
    private static Map<String, Object> assistantMessage(ChatReply reply) {
        Map<String, Object> m = message("assistant", reply.content());
        if (!reply.toolCalls().isEmpty()) {
            List<Map<String, Object>> calls = new ArrayList<>();
            for (ToolCall call : reply.toolCalls()) {
                calls.add(Map.of("id", call.id(), "type", "function",
                        "function", Map.of("name", call.name(), "arguments", call.arguments())));
            }
            m.put("tool_calls", calls);
        }
        return m;
    }

    /**
     * The reply starts inside reasoning when the prompt's last {@code <think>} is still open: the Nemotron
     * template pre-fills {@code "<think>\n"} for a new turn with reasoning on ({@code "<think></think>"}
     * with it off), and a continued final message may stop inside its reasoning.
     */
    private static boolean startsInReasoning(String prompt) {
        int open = prompt.lastIndexOf("<think>");
        return open >= 0 && prompt.indexOf("</think>", open) < 0;
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    private static boolean startsWith(int[] tokens, int[] prefix) {
        return prefix.length <= tokens.length && Arrays.equals(tokens, 0, prefix.length, prefix, 0, prefix.length);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the chat session is closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
