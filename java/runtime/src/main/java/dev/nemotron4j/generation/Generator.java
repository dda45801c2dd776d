package dev.nemotron4j.generation;

import dev.nemotron4j.ChatReply;
import dev.nemotron4j.Delta;
import dev.nemotron4j.FinishReason;
import dev.nemotron4j.Generation;
import dev.nemotron4j.ToolCall;
import dev.nemotron4j.Usage;
import dev.nemotron4j.chat.parse.ReasoningParser;
import dev.nemotron4j.chat.parse.ReasoningSplit;
import dev.nemotron4j.chat.parse.StopMatcher;
import dev.nemotron4j.chat.parse.StopResult;
import dev.nemotron4j.chat.parse.ToolCallParser;
import dev.nemotron4j.chat.parse.ToolCallSplit;
import dev.nemotron4j.generation.constraint.TokenMask;
import dev.nemotron4j.generation.constraint.ToolCallConstraint;
import dev.nemotron4j.generation.constraint.ToolCallGrammar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The decoding loop of one reply on one sequence whose prompt is already fed: draw a token, turn it into
 * text, route the text (stop strings → reasoning / content → tool calls), stream it, feed the token
 * back; and when the thinking budget runs out, append the forced text's tokens to the same sequence and
 * go on answering within what is left of {@code maxTokens}. The prompt is never prefilled again.
 */
public final class Generator {
    /** What the loop needs to know about the model and the prompt. */
    /**
     * @param forcedTokens        the budget's forced text, for a cut in the middle of a line
     * @param forcedTokensAtNewline the same text from its {@code </think>} on, for a NEWLINE-mode cut that
     *                          falls right after a newline (the line is already ended)
     * @param reasoningEndToken the id of {@code </think>} when it is one token (reasoning is counted by it,
     *                          independent of how the detokenizer batches text), else −1
     * @param toolCall          a forced tool choice: from the first draw after the reasoning (or the first
     *                          draw, without reasoning) every token is masked to its grammar, and the reply
     *                          ends when the grammar accepts; null for none. Needs {@code parseTools}
     */
    public record Setup(Set<Integer> endOfTurnIds, int[] forcedTokens, int[] forcedTokensAtNewline,
            boolean startsInReasoning, boolean parseTools, int promptTokens, int reasoningEndToken,
            ToolCallConstraint toolCall) {
        public Setup {
            endOfTurnIds = Set.copyOf(endOfTurnIds);
            forcedTokens = forcedTokens.clone();
            forcedTokensAtNewline = forcedTokensAtNewline.clone();
            if (toolCall != null && !parseTools) {
                throw new IllegalArgumentException("a forced tool call needs parseTools");
            }
        }

        /** A setup without a forced tool choice. */
        public Setup(Set<Integer> endOfTurnIds, int[] forcedTokens, int[] forcedTokensAtNewline,
                boolean startsInReasoning, boolean parseTools, int promptTokens, int reasoningEndToken) {
            this(endOfTurnIds, forcedTokens, forcedTokensAtNewline, startsInReasoning, parseTools, promptTokens,
                    reasoningEndToken, null);
        }
    }

    private final DecodeTarget target;
    private final TokenText text;
    private final Setup setup;
    private final Generation generation;
    private final long seed;
    private final Consumer<Delta> listener;
    private final BooleanSupplier cancelled;

    private final ReasoningParser reasoning;
    private final ToolCallParser tools = new ToolCallParser();
    /** Takes tool-call blocks out of the exact text (its calls are the same ones; only its content is used). */
    private final ToolCallParser rawTools = new ToolCallParser();
    private final StopMatcher stops;
    private final ThinkingBudget budget;
    private final long outputStart;
    private final List<Integer> tokenIds = new ArrayList<>();
    private final List<SampledToken> logprobs = new ArrayList<>();
    /** Drawn tokens not yet handed out with a delta. */
    private final List<SampledToken> pendingLogprobs = new ArrayList<>();
    private int reasoningTokens;
    private int forcedTokens;
    private boolean reasoningClosed;
    private FinishReason finish;
    /** The forced tool call's mask, from the answer's first draw on; null before that and without one. */
    private TokenMask toolCallMask;
    /** The grammar's state after the answer's drawn tokens. */
    private long toolCallState;

    public Generator(DecodeTarget target, TokenText text, Setup setup, Generation generation, long seed,
            Consumer<Delta> listener, BooleanSupplier cancelled) {
        this.target = target;
        this.text = text;
        this.setup = setup;
        this.generation = generation;
        this.seed = seed;
        this.listener = listener;
        this.cancelled = cancelled;
        this.reasoning = setup.startsInReasoning() ? ReasoningParser.startingInReasoning()
                : ReasoningParser.startingInContent();
        this.stops = new StopMatcher(generation.stop());
        this.budget = new ThinkingBudget(generation);
        this.outputStart = target.length();
    }

    /** Runs to the end of the reply and returns it; the listener has seen every delta, the last with the reason. */
    public ChatReply run() {
        try {
            decode();
        } catch (GenerationCancelledException e) {
            finish = FinishReason.CANCELLED;  // the engine let go of the request: stop where it was
        }
        if (finish == null) {
            finish = FinishReason.LENGTH;
        }
        return finishReply();
    }

    private void decode() {
        if (inReasoning() && budget.cutsAtStart()) {
            force(setup.forcedTokens());
        }
        long step = 0;
        while (finish == null) {
            if (cancelled.getAsBoolean()) {
                finish = FinishReason.CANCELLED;
                break;
            }
            if (tokenIds.size() >= generation.maxTokens()) {
                finish = FinishReason.LENGTH;
                break;
            }
            if (toolCallMask == null && setup.toolCall() != null && !inReasoning()) {
                // The answer begins (text forced after </think> is not the model's and is not constrained).
                toolCallMask = setup.toolCall().newMask();
                toolCallState = toolCallMask.start();
            }
            SampledToken drawn = target.sample(new SamplingStep(generation, seed, step++, outputStart, suppressedNow()));
            if (generation.logprobs() > 0) {
                logprobs.add(drawn);
                pendingLogprobs.add(drawn);
            }
            int token = drawn.token();
            boolean wasReasoning = inReasoning();
            tokenIds.add(token);
            countReasoning(token);
            if (!generation.ignoreEos()
                    && (setup.endOfTurnIds().contains(token) || generation.stopTokenIds().contains(token))) {
                finish = FinishReason.STOP;  // the end-of-turn token ends the reply and is not text
                break;
            }
            String piece = text.push(token);
            route(piece);
            if (finish == null && toolCallMask != null && advanceToolCall(token)) {
                finish = FinishReason.STOP;  // the block is whole; the parser turns it into TOOL_CALLS
            }
            if (finish != null || tokenIds.size() >= generation.maxTokens()) {
                break;  // nothing more will be drawn: no need to feed the token
            }
            target.feed(new int[] {token});
            if (wasReasoning && inReasoning() && budget.cutsAfter(reasoningTokens, piece)) {
                force(piece.endsWith("\n") ? setup.forcedTokensAtNewline() : setup.forcedTokens());
            }
        }
    }

    private boolean inReasoning() {
        return setup.startsInReasoning() && !reasoningClosed && !reasoning.reasoningEnded();
    }

    /** Counts a completion token as reasoning while the reasoning is open ({@code </think>} included). */
    private void countReasoning(int token) {
        if (inReasoning()) {
            reasoningTokens++;
            reasoningClosed = token == setup.reasoningEndToken();
        }
    }

    /**
     * End-of-turn and stop ids while fewer than minTokens were generated (vLLM's MinTokensLogitsProcessor).
     * ignoreEos suppresses nothing: as in vLLM the end-of-turn token may be drawn, it just does not stop.
     * Under a forced tool call: every token the grammar does not allow, and end-of-turn and stop ids always
     * (the block must close before the reply can end).
     */
    private int[] suppressedNow() {
        if (toolCallMask != null) {
            return withEndIds(toolCallMask.suppressed(toolCallState));
        }
        if (tokenIds.size() - forcedTokens >= generation.minTokens()) {
            return new int[0];
        }
        return endIds().toArray();
    }

    private IntStream endIds() {
        return IntStream.concat(setup.endOfTurnIds().stream().mapToInt(Integer::intValue),
                generation.stopTokenIds().stream().mapToInt(Integer::intValue)).distinct();
    }

    /** {@code sorted} (ascending) plus the end-of-turn and stop ids it lacks. */
    private int[] withEndIds(int[] sorted) {
        int[] missing = endIds().filter(id -> Arrays.binarySearch(sorted, id) < 0).toArray();
        if (missing.length == 0) {
            return sorted;
        }
        int[] all = Arrays.copyOf(sorted, sorted.length + missing.length);
        System.arraycopy(missing, 0, all, sorted.length, missing.length);
        return all;
    }

    /** Moves the grammar past a drawn token; true when the block is whole. */
    private boolean advanceToolCall(int token) {
        toolCallState = toolCallMask.advance(toolCallState, token);
        if (toolCallState == ToolCallGrammar.REJECT) {
            // the sampler drew a suppressed id: a bug in the mask or the sampler, not in the model
            throw new IllegalStateException("token " + token + " was drawn although the tool-call grammar forbids it");
        }
        return toolCallMask.accepting(toolCallState);
    }

    /** The budget cut: the forced text's tokens join the sequence as if generated, in one feed. */
    private void force(int[] forced) {
        target.feed(forced);
        for (int token : forced) {
            countReasoning(token);
            tokenIds.add(token);
            forcedTokens++;
            route(text.push(token));
        }
    }

    /** Text → stop strings → reasoning / content → tool calls → the listener. */
    private void route(String piece) {
        if (finish != null || piece.isEmpty()) {
            return;
        }
        StopResult stop = stops.push(piece);
        emit(reasoning.push(stop.text()), stop.text(), false);
        if (stop.stopped()) {
            finish = FinishReason.STOP;
        }
    }

    /** {@code exact} is the same text as {@code split}, before the reasoning split trimmed it. */
    private void emit(ReasoningSplit split, String exact, boolean last) {
        ToolCallSplit content = setup.parseTools() ? parseTools(tools, split.content(), last)
                : new ToolCallSplit(split.content(), List.of());
        String text = setup.parseTools() ? parseTools(rawTools, exact, last).content() : exact;
        Delta delta = new Delta(split.reasoning(), content.content(), content.toolCalls(), null, text, List.of());
        if (!delta.isEmpty()) {
            listener.accept(withPendingLogprobs(delta));
        }
    }

    /** {@code delta} carrying the tokens drawn since the last delta went out. */
    private Delta withPendingLogprobs(Delta delta) {
        if (pendingLogprobs.isEmpty()) {
            return delta;
        }
        Delta out = new Delta(delta.reasoning(), delta.content(), delta.toolCalls(), delta.finishReason(),
                delta.text(), pendingLogprobs);
        pendingLogprobs.clear();
        return out;
    }

    private static ToolCallSplit parseTools(ToolCallParser parser, String text, boolean last) {
        return last ? merge(parser.push(text), parser.finish()) : parser.push(text);
    }

    private static ToolCallSplit merge(ToolCallSplit a, ToolCallSplit b) {
        List<ToolCall> calls = new ArrayList<>(a.toolCalls());
        calls.addAll(b.toolCalls());
        return new ToolCallSplit(a.content() + b.content(), calls);
    }

    private ChatReply finishReply() {
        // Flush what each stage still holds back (a cut UTF-8 character, a possible marker prefix).
        if (finish != FinishReason.STOP || !stops.stopped()) {
            StopResult tail = stops.push(text.flush());
            StopResult rest = stops.finish();
            String exact = tail.text() + rest.text();
            emit(reasoning.push(exact), exact, false);
        }
        emit(reasoning.finish(), "", true);
        List<ToolCall> calls = setup.parseTools() ? tools.toolCalls() : List.of();
        if (!calls.isEmpty() && finish == FinishReason.STOP) {
            finish = FinishReason.TOOL_CALLS;
        }
        listener.accept(withPendingLogprobs(new Delta("", "", List.of(), finish, "", List.of())));
        String content = setup.parseTools() ? tools.content() : reasoning.content();
        Usage usage = new Usage(setup.promptTokens(), tokenIds.size(), reasoningTokens, (int) target.cachedTokens(),
                forcedTokens);
        return new ChatReply(reasoning.reasoning(), content, calls, finish, usage, tokenIds, logprobs);
    }
}
