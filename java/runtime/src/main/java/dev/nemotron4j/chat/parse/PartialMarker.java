package dev.nemotron4j.chat.parse;

/**
 * How much of a text's end could be the beginning of a marker ({@code </think>}, {@code <TOOLCALL>}, a stop
 * string) that the next delta completes. Streaming parsers hold exactly that much back and emit the rest,
 * so they never emit text they would later have to withdraw.
 */
final class PartialMarker {
    private PartialMarker() {}

    /**
     * The length of the longest suffix of {@code text} that is a proper prefix of {@code marker}
     * (0 when none). Costs O(marker length²) at worst, independent of the text's length.
     */
    static int heldLength(CharSequence text, String marker) {
        int n = text.length();
        for (int k = Math.min(n, marker.length() - 1); k > 0; k--) {
            if (endsWithPrefix(text, n, marker, k)) {
                return k;
            }
        }
        return 0;
    }

    private static boolean endsWithPrefix(CharSequence text, int n, String marker, int k) {
        for (int i = 0; i < k; i++) {
            if (text.charAt(n - k + i) != marker.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
