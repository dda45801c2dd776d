package dev.nemotron4j.chat.parse;

import java.util.Objects;

/**
 * Splits a streamed reply into reasoning and content at the first {@code </think>}. The Nemotron Nano 2
 * template pre-fills {@code <think>\n} when thinking is on, so the reply starts inside the reasoning
 * ({@link #startingInReasoning()}); with {@code /no_think} it pre-fills {@code <think></think>} and the
 * reply starts in the content ({@link #startingInContent()}).
 *
 * <p>Semantics are those of vLLM's {@code deepseek_r1} parser (its {@code nemotron} parser expects the
 * reply itself to open with {@code <think>}, which a pre-filled prompt never produces), with the
 * differences noted:
 * <ul>
 *   <li>The markers go to neither side. Text after the first {@code </think>} is content, even if it holds
 *       another {@code </think>}.</li>
 *   <li>A reply that never closes its reasoning (cut by {@code max_tokens}) is all reasoning, as in vLLM.</li>
 *   <li>Reasoning and content are each stripped of surrounding whitespace, in the stream too: leading
 *       whitespace is dropped, trailing whitespace is held until more text follows (vLLM streams it
 *       raw). So the deltas concatenate to exactly {@link #reasoning()} and {@link #content()}, and the
 *       content is what the template itself keeps when it re-renders the turn ({@code content.strip()}).</li>
 *   <li>A {@code <think>} at the very start of the reply (after whitespace) opens the reasoning in either
 *       mode: some models write it themselves, and a {@code /no_think} reply that still thinks is then
 *       split correctly. A {@code <think>} anywhere else is ordinary text.</li>
 *   <li>Nothing that could still become part of a marker is emitted: a suffix that is a proper prefix of
 *       the awaited marker is held back until the next delta decides it, or until {@link #finish()}.</li>
 * </ul>
 * Work per push is linear in the delta (the held-back text is shorter than a marker). One instance per
 * reply; not thread-safe.
 */
public final class ReasoningParser {
    static final String OPEN = "<think>";
    static final String CLOSE = "</think>";

    private enum State { START, REASONING, CONTENT }

    private final State initial;
    private State state = State.START;
    /** Text that might still be (part of) a marker: a prefix of OPEN in START, of CLOSE in REASONING. */
    private String held = "";
    private final StreamTrimmer reasoningTrimmer = new StreamTrimmer();
    private final StreamTrimmer contentTrimmer = new StreamTrimmer();
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    private boolean reasoningEnded;
    private boolean finished;

    private ReasoningParser(State initial) {
        this.initial = initial;
    }

    /** For a prompt that ends in {@code <think>\n}: the reply is reasoning until {@code </think>}. */
    public static ReasoningParser startingInReasoning() {
        return new ReasoningParser(State.REASONING);
    }

    /** For a prompt that ends in {@code <think></think>} ({@code /no_think}): the reply is content. */
    public static ReasoningParser startingInContent() {
        return new ReasoningParser(State.CONTENT);
    }

    /** Takes the next piece of the reply; returns what can be emitted now. */
    public ReasoningSplit push(String delta) {
        Objects.requireNonNull(delta, "delta");
        requireOpen();
        Emitted out = new Emitted();
        String window = held.isEmpty() ? delta : held + delta;
        held = "";
        while (window != null) {
            window = switch (state) {
                case START -> start(window);
                case REASONING -> reason(window, out);
                case CONTENT -> {
                    out.content(window);
                    yield null;
                }
            };
        }
        return out.split();
    }

    /** Ends the reply: what was held back is text after all; trailing whitespace is dropped. */
    public ReasoningSplit finish() {
        requireOpen();
        finished = true;
        Emitted out = new Emitted();
        if (state == State.START) {
            state = initial;
        }
        if (state == State.REASONING) {
            out.reasoning(held);
        } else {
            out.content(held);
        }
        held = "";
        reasoningTrimmer.finish();
        contentTrimmer.finish();
        return out.split();
    }

    /** One shot: pushes the whole reply, finishes, and returns {@code (reasoning(), content())}. */
    public ReasoningSplit pushAll(String reply) {
        push(reply);
        finish();
        return new ReasoningSplit(reasoning(), content());
    }

    /** All reasoning emitted so far (after {@link #finish()}: the whole reasoning, stripped). */
    public String reasoning() {
        return reasoning.toString();
    }

    /** All content emitted so far (after {@link #finish()}: the whole content, stripped). */
    public String content() {
        return content.toString();
    }

    /** Whether {@code </think>} was seen (or the reply started in the content without a {@code <think>}). */
    public boolean reasoningEnded() {
        return reasoningEnded || state == State.CONTENT;
    }

    /** START: skip whitespace, then consume a leading {@code <think>} or decide there is none. */
    private String start(String window) {
        String rest = window.stripLeading(); // both sides drop leading whitespace anyway
        if (rest.startsWith(OPEN)) {
            state = State.REASONING;
            return rest.substring(OPEN.length());
        }
        if (OPEN.startsWith(rest)) { // empty, or a proper prefix of <think>: the next delta decides
            held = rest;
            return null;
        }
        state = initial;
        return rest;
    }

    /** REASONING: emit up to {@code </think>} (then continue in CONTENT) or up to a possible partial one. */
    private String reason(String window, Emitted out) {
        int at = window.indexOf(CLOSE);
        if (at >= 0) {
            out.reasoning(window.substring(0, at));
            reasoningTrimmer.finish();
            reasoningEnded = true;
            state = State.CONTENT;
            return window.substring(at + CLOSE.length());
        }
        int keep = window.length() - PartialMarker.heldLength(window, CLOSE);
        out.reasoning(window.substring(0, keep));
        held = window.substring(keep);
        return null;
    }

    private void requireOpen() {
        if (finished) {
            throw new IllegalStateException("finish() was called; this parser has seen the whole reply");
        }
    }

    /** What one call emits, after trimming; also appended to the whole-reply views. */
    private final class Emitted {
        private final StringBuilder reasoningOut = new StringBuilder();
        private final StringBuilder contentOut = new StringBuilder();

        void reasoning(String text) {
            String emit = reasoningTrimmer.push(text);
            reasoningOut.append(emit);
            reasoning.append(emit);
        }

        void content(String text) {
            String emit = contentTrimmer.push(text);
            contentOut.append(emit);
            content.append(emit);
        }

        ReasoningSplit split() {
            if (reasoningOut.length() == 0 && contentOut.length() == 0) {
                return ReasoningSplit.EMPTY;
            }
            return new ReasoningSplit(reasoningOut.toString(), contentOut.toString());
        }
    }
}
