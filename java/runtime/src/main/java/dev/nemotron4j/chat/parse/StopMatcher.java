package dev.nemotron4j.chat.parse;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Stop strings over streamed text: releases only text that can no longer become part of a stop string,
 * so a client never sees a partial stop string that is then withdrawn.
 *
 * <p>Semantics (vLLM's {@code stop} with {@code include_stop_str_in_output=false}, with one difference):
 * <ul>
 *   <li>The output ends just before the stop string; the stop string and everything after it are
 *       discarded.</li>
 *   <li>When several could match, the one that <em>completes</em> first wins (ties: the one that starts
 *       first). That is the only rule under which the result does not depend on how the text was split
 *       into deltas: a stream must stop as soon as any stop string is complete. (vLLM takes the first in
 *       list order that occurs in the new text.)</li>
 *   <li>The suffix held back is the longest one that is a proper prefix of some stop string; all else is
 *       released at once.</li>
 * </ul>
 * Each push searches only the held-back text plus the delta (held text is shorter than the longest stop
 * string), so the cost is linear in the output, never a rescan of it. Stop strings apply to everything
 * the model writes, reasoning included, as in vLLM: put the matcher before {@link ReasoningParser}.
 * One instance per reply; not thread-safe.
 */
public final class StopMatcher {
    private final List<String> stops;
    private String held = "";
    private String matched;
    private boolean finished;

    /**
     * @param stopStrings the stop strings (duplicates ignored); none means text passes straight through
     * @throws IllegalArgumentException naming the index of an empty stop string
     */
    public StopMatcher(List<String> stopStrings) {
        Objects.requireNonNull(stopStrings, "stopStrings");
        for (int i = 0; i < stopStrings.size(); i++) {
            String s = stopStrings.get(i);
            if (s == null) {
                throw new NullPointerException("stop strings: null at index " + i);
            }
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings: empty string at index " + i);
            }
        }
        this.stops = List.copyOf(new LinkedHashSet<>(stopStrings));
    }

    /** Takes the next piece of output; after a match, returns nothing (the caller should have stopped). */
    public StopResult push(String delta) {
        Objects.requireNonNull(delta, "delta");
        requireOpen();
        if (matched != null) {
            return new StopResult("", matched);
        }
        String window = held.isEmpty() ? delta : held + delta;
        int end = Integer.MAX_VALUE;
        int start = 0;
        String first = null;
        for (String stop : stops) {
            int at = window.indexOf(stop);
            if (at >= 0 && (at + stop.length() < end || (at + stop.length() == end && at < start))) {
                end = at + stop.length();
                start = at;
                first = stop;
            }
        }
        if (first != null) {
            matched = first;
            held = "";
            return new StopResult(window.substring(0, start), first);
        }
        int keep = window.length() - heldLength(window);
        held = window.substring(keep);
        return new StopResult(window.substring(0, keep), null);
    }

    /** Ends the output: held-back text was not a stop string after all. */
    public StopResult finish() {
        requireOpen();
        finished = true;
        String rest = held;
        held = "";
        return new StopResult(matched == null ? rest : "", matched);
    }

    /** One shot: pushes the whole output and finishes; returns all released text and the match. */
    public StopResult pushAll(String wholeOutput) {
        StopResult pushed = push(wholeOutput);
        StopResult flushed = finish();
        return new StopResult(pushed.text() + flushed.text(), flushed.stop());
    }

    /** Whether a stop string has matched. */
    public boolean stopped() {
        return matched != null;
    }

    private int heldLength(String window) {
        int longest = 0;
        for (String stop : stops) {
            longest = Math.max(longest, PartialMarker.heldLength(window, stop));
        }
        return longest;
    }

    private void requireOpen() {
        if (finished) {
            throw new IllegalStateException("finish() was called; this matcher has seen the whole output");
        }
    }
}
