package dev.nemotron4j.chat.parse;

import dev.nemotron4j.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds the Nemotron Nano 2 template's tool calls, {@code <TOOLCALL>[{"name": …, "arguments": …}, …]</TOOLCALL>},
 * in a streamed answer (the content side of {@link ReasoningParser}; tool calls are not looked for in
 * the reasoning) and turns them into {@link ToolCall}s.
 *
 * <p>Semantics, compared with {@code nemotron_json}, the vLLM plugin NVIDIA ships with the model:
 * <ul>
 *   <li>Every block is parsed, with text before, between and after blocks kept as content (the plugin:
 *       the first block's calls, and the content is the text before the last block).</li>
 *   <li>A block is all or nothing: malformed JSON or a wrong shape gives the whole block back as content,
 *       tags included, and no call (the plugin skips bad entries and keeps the rest). Model text is never lost
 *       and never raises.</li>
 *   <li>A block ends at the first {@code </TOOLCALL>} (as the plugin's non-greedy regex does). A block the
 *       reply leaves open is parsed at {@link #finish()} as if closed; if that fails it is content.</li>
 *   <li>A call is emitted whole when its block closes: arguments are never streamed piecemeal, because a
 *       block that turns out malformed must become content, and streamed arguments cannot be withdrawn.
 *       OpenAI's streaming protocol allows a call's id, name and arguments in one chunk.</li>
 *   <li>Content is stripped of surrounding whitespace like {@link ReasoningParser}'s, so the template's
 *       {@code "\n\n"} before a block does not end the answer.</li>
 * </ul>
 * Work per push is linear in the delta: outside a block only a possible partial {@code <TOOLCALL>} is
 * held back; inside one, the search for the end tag resumes where the previous one stopped. One
 * instance per reply; not thread-safe.
 */
public final class ToolCallParser {
    static final String OPEN = "<TOOLCALL>";
    static final String CLOSE = "</TOOLCALL>";

    private final Supplier<String> ids;
    /** Outside a block: a possible partial {@code <TOOLCALL>}. */
    private String held = "";
    /** Inside a block: its body so far; null outside. */
    private StringBuilder block;
    private final StreamTrimmer trimmer = new StreamTrimmer();
    private final StringBuilder content = new StringBuilder();
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private boolean finished;

    /** A parser whose calls get random ids ({@link ToolCallIds#random()}). */
    public ToolCallParser() {
        this(ToolCallIds.random());
    }

    /** A parser whose calls get their ids from {@code ids}, one per call, in order. */
    public ToolCallParser(Supplier<String> ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** Takes the next piece of content; returns the content and the calls that can be emitted now. */
    public ToolCallSplit push(String delta) {
        Objects.requireNonNull(delta, "delta");
        requireOpen();
        Emitted out = new Emitted();
        String text = delta;
        while (text != null) {
            text = block == null ? outside(text, out) : inside(text, out);
        }
        return out.split();
    }

    /** Ends the content: a held partial tag is text after all; an open block is parsed as it stands. */
    public ToolCallSplit finish() {
        requireOpen();
        finished = true;
        Emitted out = new Emitted();
        if (block != null) {
            close(block.toString(), false, out);
            block = null;
        } else {
            out.content(held);
        }
        held = "";
        trimmer.finish();
        return out.split();
    }

    /** One shot: pushes the whole content, finishes, and returns {@code (content(), toolCalls())}. */
    public ToolCallSplit pushAll(String wholeContent) {
        push(wholeContent);
        finish();
        return new ToolCallSplit(content(), toolCalls());
    }

    /** All content emitted so far (after {@link #finish()}: the whole content, stripped). */
    public String content() {
        return content.toString();
    }

    /** All calls emitted so far, in order. */
    public List<ToolCall> toolCalls() {
        return List.copyOf(toolCalls);
    }

    /** Outside a block: emit up to {@code <TOOLCALL>} (then continue inside) or up to a possible partial one. */
    private String outside(String text, Emitted out) {
        String window = held.isEmpty() ? text : held + text;
        held = "";
        int at = window.indexOf(OPEN);
        if (at >= 0) {
            out.content(window.substring(0, at));
            block = new StringBuilder();
            return window.substring(at + OPEN.length());
        }
        int keep = window.length() - PartialMarker.heldLength(window, OPEN);
        out.content(window.substring(0, keep));
        held = window.substring(keep);
        return null;
    }

    /** Inside a block: buffer until {@code </TOOLCALL>}, then parse the block and continue outside. */
    private String inside(String text, Emitted out) {
        // An end tag can only start in the last CLOSE.length() - 1 chars already searched, or in the new text.
        int from = Math.max(0, block.length() - (CLOSE.length() - 1));
        block.append(text);
        int at = block.indexOf(CLOSE, from);
        if (at < 0) {
            return null;
        }
        String body = block.substring(0, at);
        String rest = block.substring(at + CLOSE.length());
        block = null;
        close(body, true, out);
        return rest;
    }

    private void close(String body, boolean closed, Emitted out) {
        Optional<List<ToolCallJson.Parsed>> parsed = ToolCallJson.parse(body);
        if (parsed.isEmpty()) {
            out.content(OPEN + body + (closed ? CLOSE : ""));
            return;
        }
        for (ToolCallJson.Parsed call : parsed.get()) {
            out.call(new ToolCall(ids.get(), call.name(), call.arguments()));
        }
    }

    private void requireOpen() {
        if (finished) {
            throw new IllegalStateException("finish() was called; this parser has seen the whole content");
        }
    }

    /** What one call emits, after trimming; also appended to the whole-content views. */
    private final class Emitted {
        private final StringBuilder contentOut = new StringBuilder();
        private final List<ToolCall> callsOut = new ArrayList<>();

        void content(String text) {
            String emit = trimmer.push(text);
            contentOut.append(emit);
            content.append(emit);
        }

        void call(ToolCall call) {
            callsOut.add(call);
            toolCalls.add(call);
        }

        ToolCallSplit split() {
            if (contentOut.length() == 0 && callsOut.isEmpty()) {
                return ToolCallSplit.EMPTY;
            }
            return new ToolCallSplit(contentOut.toString(), callsOut);
        }
    }
}
