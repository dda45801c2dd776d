package dev.nemotron4j.chat.parse;

/**
 * {@link String#strip()} for a stream: drops whitespace before the first non-whitespace character and
 * holds whitespace back until more non-whitespace follows, so the pieces it returns concatenate to exactly
 * the stripped whole. Held whitespace is dropped by {@link #finish()}. The cost of holding: a newline
 * reaches a streaming client together with the next visible character, never later.
 */
final class StreamTrimmer {
    private final StringBuilder heldWhitespace = new StringBuilder();
    private boolean started;

    /** Returns the part of {@code text} (with earlier held whitespace) that is safe to emit now. */
    String push(CharSequence text) {
        int last = lastNonWhitespace(text);
        if (last < 0) {
            if (started) {
                heldWhitespace.append(text);
            }
            return "";
        }
        int from = 0;
        if (!started) {
            from = firstNonWhitespace(text);
            started = true;
        }
        StringBuilder out = new StringBuilder(heldWhitespace.length() + last + 1 - from);
        out.append(heldWhitespace).append(text, from, last + 1);
        heldWhitespace.setLength(0);
        heldWhitespace.append(text, last + 1, text.length());
        return out.toString();
    }

    /** Ends the stream: trailing whitespace is not part of the stripped text. */
    void finish() {
        heldWhitespace.setLength(0);
    }

    // Every whitespace character is in the BMP, so a char test never splits a surrogate pair.
    private static int firstNonWhitespace(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastNonWhitespace(CharSequence text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
