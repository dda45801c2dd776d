package dev.nemotron4j.generation.constraint;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The answer of a forced tool choice, one character at a time: optional whitespace, then
 * {@code <TOOLCALL>[{"name": "<name>", "arguments": <object>}]</TOOLCALL>} with one call
 * ({@link #oneCall}) or one or more separated by {@code ", "} ({@link #oneOrMoreCalls}), the layout the
 * Nemotron Nano 2 template asks for and {@link dev.nemotron4j.chat.parse.ToolCallParser} reads.
 *
 * <p>Names must be one of the given ones, written as JSON would write them. The arguments must be
 * syntactically valid JSON (RFC 8259: no leading zeros, no control characters in strings, a backslash only
 * before one of {@code " \ / b f n r t} or before {@code u} and four hex digits) whose top level is an
 * object, nested at most {@link #MAX_DEPTH} deep, with runs of whitespace between tokens of at most
 * {@link #MAX_WHITESPACE} and property names of at most {@link #MAX_KEY_LENGTH} characters (a model that
 * does not know the format must still move on). No string may contain {@code </TOOLCALL>}, which would end
 * the block for the parser. Each tool's JSON schema is <em>not</em> enforced: types, required properties
 * and enums are the model's to get right.
 *
 * <p>A state is a {@code long} (phase, whitespace run, depth, the container stack as bits, and a
 * phase-specific field), so the token mask can try 131k tokens per step without allocating. Immutable
 * and thread-safe.
 */
public final class ToolCallGrammar {
    /** What {@link #advance} returns for a character the grammar does not allow here. */
    public static final long REJECT = -1L;
    /** Containers open at once, the arguments object included. */
    public static final int MAX_DEPTH = 16;
    /** Whitespace characters in a row outside strings: a newline and 7 levels of two-space indentation fit. */
    public static final int MAX_WHITESPACE = 16;
    /** Characters of a property name as written (escapes included): names are short, a runaway key is not. */
    public static final int MAX_KEY_LENGTH = 64;

    static final String OPEN = "<TOOLCALL>[";
    static final String CLOSE = "]</TOOLCALL>";
    private static final String NO_END_IN_STRING = "</TOOLCALL>";
    private static final String[] KEYWORDS = {"true", "false", "null"};

    // Phases. LITERAL_*: matching one of a sorted set of strings. The rest is JSON.
    private static final int LEAD = 0;
    private static final int LITERAL_FIRST = 1;
    private static final int LITERAL_NEXT = 2;
    private static final int ACCEPT = 3;
    private static final int ARGS_START = 4;   // '{' and nothing else
    private static final int OBJ_OPEN = 5;     // after '{': key or '}'
    private static final int OBJ_KEY = 6;      // after ',' in an object: key
    private static final int COLON = 7;
    private static final int VALUE = 8;        // after ':' or ',' in an array
    private static final int ARR_OPEN = 9;     // after '[': value or ']'
    private static final int AFTER_VALUE = 10; // ',' or the close of the innermost container
    private static final int STRING = 11;
    private static final int ESCAPE = 12;
    private static final int HEX = 13;
    private static final int NUM_MINUS = 14;
    private static final int NUM_ZERO = 15;
    private static final int NUM_INT = 16;
    private static final int NUM_DOT = 17;
    private static final int NUM_FRAC = 18;
    private static final int NUM_E = 19;
    private static final int NUM_E_SIGN = 20;
    private static final int NUM_EXP = 21;
    private static final int KEYWORD = 22;

    // State layout, low bits first: phase 5 | whitespace run 5 | depth 5 | stack 16 (bit d−1 set: the
    // container at depth d is an array) | aux 32. Bit 63 stays clear, so no state equals REJECT.
    private static final int WS_SHIFT = 5;
    private static final int DEPTH_SHIFT = 10;
    private static final int STACK_SHIFT = 15;
    private static final int AUX_SHIFT = 31;
    private static final long STRUCTURE_MASK = ((1L << 21) - 1) << DEPTH_SHIFT;  // depth and stack
    private static final int KEY_LENGTH_SHIFT = 5;  // in a string's aux
    // aux of a literal: alternative index (16 bits) | characters matched (16 bits)
    // aux of STRING / ESCAPE / HEX: is-a-key 1 | characters of </TOOLCALL> matched, or hex digits left, 4
    //     | a key's characters so far, 7
    // aux of KEYWORD: keyword index 2 | characters matched 3

    /** {@code <TOOLCALL>[} + each call head, sorted; after a match comes the arguments object. */
    private final String[] first;
    /** {@code }]</TOOLCALL>} and, for several calls, {@code }, } + each call head, sorted. */
    private final String[] next;
    /** Per entry of {@link #next}: whether it closes the block. */
    private final boolean[] nextCloses;
    /** Per entry: the length of the prefix it shares with the entry before it (0 for the first). */
    private final int[] firstShared;
    private final int[] nextShared;

    private ToolCallGrammar(Collection<String> names, boolean severalCalls) {
        TreeSet<String> heads = new TreeSet<>();
        for (String name : names) {
            Objects.requireNonNull(name, "tool name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a tool name must not be blank");
            }
            heads.add("{\"name\": \"" + new String(JsonStringEncoder.getInstance().quoteAsString(name))
                    + "\", \"arguments\": ");
        }
        if (heads.isEmpty() || heads.size() > 0xFFFF) {
            throw new IllegalArgumentException("between 1 and 65535 tool names are needed, got " + heads.size());
        }
        List<String> firsts = new ArrayList<>();
        TreeSet<String> nexts = new TreeSet<>();
        nexts.add("}" + CLOSE);
        for (String head : heads) {
            if (OPEN.length() + head.length() + 2 > 0xFFFF) {
                throw new IllegalArgumentException("a tool name is too long: " + head);
            }
            firsts.add(OPEN + head);
            if (severalCalls) {
                nexts.add("}, " + head);
            }
        }
        this.first = firsts.toArray(String[]::new);
        this.next = nexts.toArray(String[]::new);
        this.nextCloses = new boolean[next.length];
        for (int i = 0; i < next.length; i++) {
            nextCloses[i] = next[i].endsWith(CLOSE);
        }
        this.firstShared = shared(first);
        this.nextShared = shared(next);
    }

    private static int[] shared(String[] sorted) {
        int[] shared = new int[sorted.length];
        for (int i = 1; i < sorted.length; i++) {
            int n = 0;
            int most = Math.min(sorted[i].length(), sorted[i - 1].length());
            while (n < most && sorted[i].charAt(n) == sorted[i - 1].charAt(n)) {
                n++;
            }
            shared[i] = n;
        }
        return shared;
    }

    /** Exactly one call, to {@code name} (a named {@code tool_choice}). */
    public static ToolCallGrammar oneCall(String name) {
        return new ToolCallGrammar(List.of(name), false);
    }

    /** Exactly one call, to one of {@code names} ({@code "required"} without parallel tool calls). */
    public static ToolCallGrammar oneCallOf(Collection<String> names) {
        return new ToolCallGrammar(names, false);
    }

    /** One or more calls, each to one of {@code names} ({@code tool_choice: "required"}). */
    public static ToolCallGrammar oneOrMoreCalls(Collection<String> names) {
        return new ToolCallGrammar(names, true);
    }

    /** The state before the first character of the answer. */
    public long start() {
        return LEAD;
    }

    /** Whether the text so far is a whole tool-call block: nothing more may follow. */
    public boolean accepting(long state) {
        return state != REJECT && phase(state) == ACCEPT;
    }

    /** Whether the state is inside the arguments JSON (where no special token may be written). */
    public boolean inJson(long state) {
        return state != REJECT && phase(state) >= ARGS_START;
    }

    /**
     * How many {@linkplain #isPlain plain} characters may follow, when each of them changes nothing but a
     * key's length: inside a string with no part of {@code </TOOLCALL>} pending ({@code MAX_VALUE} in a
     * value, what is left of {@link #MAX_KEY_LENGTH} in a key); −1 elsewhere. The mask then allows plain
     * tokens by their length without reading them.
     */
    public int plainRoom(long state) {
        if (state == REJECT || phase(state) != STRING || small(aux(state)) != 0) {
            return -1;
        }
        long aux = aux(state);
        return (aux & 1) == 0 ? Integer.MAX_VALUE : MAX_KEY_LENGTH - (int) (aux >>> KEY_LENGTH_SHIFT);
    }

    /** A character that is string content and nothing else: not a quote, a backslash, {@code <} or a control. */
    public static boolean isPlain(char c) {
        return c >= 0x20 && c != '"' && c != '\\' && c != '<';
    }

    /** The state after {@code text}, or {@link #REJECT} as soon as a character is not allowed. */
    public long advance(long state, CharSequence text) {
        long s = state;
        for (int i = 0; i < text.length() && s != REJECT; i++) {
            s = advance(s, text.charAt(i));
        }
        return s;
    }

    /** The state after {@code c}, or {@link #REJECT} when the grammar does not allow it here. */
    public long advance(long state, char c) {
        if (state == REJECT) {
            return REJECT;
        }
        switch (phase(state)) {
            case LEAD:
                return isWhitespace(c) ? whitespace(state) : literal(first, firstShared, 0, 0, c, state);
            case LITERAL_FIRST:
                return literal(first, firstShared, alternative(state), matched(state), c, state);
            case LITERAL_NEXT:
                return literal(next, nextShared, alternative(state), matched(state), c, state);
            case ACCEPT:
                return REJECT;
            case ARGS_START:
                return c == '{' ? open(state, false) : REJECT;
            case OBJ_OPEN:
                return c == '}' ? close(state, false) : key(state, c);
            case OBJ_KEY:
                return key(state, c);
            case COLON:
                return c == ':' ? set(state, VALUE, 0) : isWhitespace(c) ? whitespace(state) : REJECT;
            case VALUE:
                return value(state, c);
            case ARR_OPEN:
                return c == ']' ? close(state, true) : value(state, c);
            case AFTER_VALUE:
                return afterValue(state, c);
            case STRING:
                return string(state, c);
            case ESCAPE:
                return escape(state, c);
            case HEX:
                return hex(state, c);
            default:
                return phase(state) == KEYWORD ? keyword(state, c) : number(state, c);
        }
    }

    // ---- literals ----

    /**
     * Matching a sorted set of strings: {@code alt} is the smallest index whose string starts with the
     * {@code matched} characters typed; the strings sharing them follow it contiguously, up to the first
     * that shares fewer with its predecessor.
     */
    private long literal(String[] alts, int[] shared, int alt, int matched, char c, long state) {
        for (int j = alt; j < alts.length && (j == alt || shared[j] >= matched); j++) {
            String candidate = alts[j];
            if (candidate.length() > matched && candidate.charAt(matched) == c) {
                if (matched + 1 < candidate.length()) {
                    long aux = ((long) (matched + 1) << 16) | j;
                    return set(state, alts == first ? LITERAL_FIRST : LITERAL_NEXT, aux);
                }
                // a whole alternative: the arguments follow a call head, nothing follows the close
                return alts == next && nextCloses[j] ? set(state, ACCEPT, 0) : set(state, ARGS_START, 0);
            }
        }
        return REJECT;
    }

    // ---- JSON structure ----

    private long value(long state, char c) {
        switch (c) {
            case '{':
                return open(state, false);
            case '[':
                return open(state, true);
            case '"':
                return set(state, STRING, 0);
            case '-':
                return set(state, NUM_MINUS, 0);
            case '0':
                return set(state, NUM_ZERO, 0);
            case 't':
                return set(state, KEYWORD, (1 << 2) | 0);
            case 'f':
                return set(state, KEYWORD, (1 << 2) | 1);
            case 'n':
                return set(state, KEYWORD, (1 << 2) | 2);
            default:
                if (c >= '1' && c <= '9') {
                    return set(state, NUM_INT, 0);
                }
                return isWhitespace(c) ? whitespace(state) : REJECT;
        }
    }

    private long key(long state, char c) {
        if (c == '"') {
            return set(state, STRING, 1);  // a key
        }
        return isWhitespace(c) ? whitespace(state) : REJECT;
    }

    private long afterValue(long state, char c) {
        boolean inArray = topIsArray(state);
        if (c == ',') {
            return set(state, inArray ? VALUE : OBJ_KEY, 0);
        }
        if (c == (inArray ? ']' : '}')) {
            return close(state, inArray);
        }
        return isWhitespace(c) ? whitespace(state) : REJECT;
    }

    private long open(long state, boolean array) {
        int depth = depth(state);
        if (depth == MAX_DEPTH) {
            return REJECT;
        }
        long stack = stack(state) | (array ? 1L << depth : 0);
        long structure = ((long) (depth + 1) << DEPTH_SHIFT) | (stack << STACK_SHIFT);
        return structure | (array ? ARR_OPEN : OBJ_OPEN);
    }

    private long close(long state, boolean array) {
        if (topIsArray(state) != array) {
            return REJECT;
        }
        int depth = depth(state) - 1;
        long stack = stack(state) & ~(1L << depth);
        long closed = ((long) depth << DEPTH_SHIFT) | (stack << STACK_SHIFT);
        // the arguments object closed: the call's own '}' and what follows it
        return depth == 0 ? closed | LITERAL_NEXT : closed | AFTER_VALUE;
    }

    // ---- strings ----

    private long string(long state, char c) {
        long aux = aux(state);
        if (c == '"') {
            return (aux & 1) != 0 ? set(state, COLON, 0) : set(state, AFTER_VALUE, 0);
        }
        long next = counted(aux);
        if (next < 0 || c < 0x20) {
            return REJECT;
        }
        if (c == '\\') {
            return set(state, ESCAPE, stringAux(next, 0));
        }
        int matched = (int) small(aux);
        if (c == NO_END_IN_STRING.charAt(matched)) {
            matched++;
            if (matched == NO_END_IN_STRING.length()) {
                return REJECT;
            }
        } else {
            matched = c == NO_END_IN_STRING.charAt(0) ? 1 : 0;  // only '<' starts it again
        }
        return set(state, STRING, stringAux(next, matched));
    }

    private long escape(long state, char c) {
        long next = counted(aux(state));
        if (next < 0) {
            return REJECT;
        }
        switch (c) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
                return set(state, STRING, stringAux(next, 0));
            case 'u':
                return set(state, HEX, stringAux(next, 4));
            default:
                return REJECT;
        }
    }

    private long hex(long state, char c) {
        boolean hexDigit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        long next = counted(aux(state));
        if (!hexDigit || next < 0) {
            return REJECT;
        }
        long left = small(next) - 1;
        return left == 0 ? set(state, STRING, stringAux(next, 0)) : set(state, HEX, stringAux(next, left));
    }

    /** A string's aux with one more character written: keys count theirs, −1 past {@link #MAX_KEY_LENGTH}. */
    private static long counted(long aux) {
        if ((aux & 1) == 0) {
            return aux;
        }
        long length = (aux >>> KEY_LENGTH_SHIFT) + 1;
        return length > MAX_KEY_LENGTH ? -1 : (aux & ((1L << KEY_LENGTH_SHIFT) - 1)) | (length << KEY_LENGTH_SHIFT);
    }

    /** The </TOOLCALL> characters matched, or the hex digits left. */
    private static long small(long aux) {
        return (aux >>> 1) & 15;
    }

    private static long stringAux(long aux, long small) {
        return (aux & ~((1L << KEY_LENGTH_SHIFT) - 1)) | (aux & 1) | (small << 1);
    }

    // ---- numbers and keywords ----

    private long number(long state, char c) {
        boolean digit = c >= '0' && c <= '9';
        switch (phase(state)) {
            case NUM_MINUS:
                return c == '0' ? set(state, NUM_ZERO, 0) : digit ? set(state, NUM_INT, 0) : REJECT;
            case NUM_ZERO:
                return c == '.' ? set(state, NUM_DOT, 0) : c == 'e' || c == 'E' ? set(state, NUM_E, 0)
                        : digit ? REJECT : endNumber(state, c);
            case NUM_INT:
                return digit ? state : c == '.' ? set(state, NUM_DOT, 0) : c == 'e' || c == 'E'
                        ? set(state, NUM_E, 0) : endNumber(state, c);
            case NUM_DOT:
                return digit ? set(state, NUM_FRAC, 0) : REJECT;
            case NUM_FRAC:
                return digit ? state : c == 'e' || c == 'E' ? set(state, NUM_E, 0) : endNumber(state, c);
            case NUM_E:
                return c == '+' || c == '-' ? set(state, NUM_E_SIGN, 0) : digit ? set(state, NUM_EXP, 0) : REJECT;
            case NUM_E_SIGN:
                return digit ? set(state, NUM_EXP, 0) : REJECT;
            case NUM_EXP:
                return digit ? state : endNumber(state, c);
            default:
                throw new IllegalStateException("no phase " + phase(state));
        }
    }

    /** A number ends at the first character that cannot continue it, which is then read after the value. */
    private long endNumber(long state, char c) {
        return afterValue(set(state, AFTER_VALUE, 0), c);
    }

    private long keyword(long state, char c) {
        long aux = aux(state);
        String word = KEYWORDS[(int) (aux & 3)];
        int matched = (int) (aux >>> 2);
        if (word.charAt(matched) != c) {
            return REJECT;
        }
        return matched + 1 == word.length() ? set(state, AFTER_VALUE, 0)
                : set(state, KEYWORD, (aux & 3) | ((long) (matched + 1) << 2));
    }

    // ---- the packed state ----

    private static int phase(long state) {
        return (int) (state & 31);
    }

    private static int depth(long state) {
        return (int) ((state >>> DEPTH_SHIFT) & 31);
    }

    private static long stack(long state) {
        return (state >>> STACK_SHIFT) & 0xFFFF;
    }

    private static boolean topIsArray(long state) {
        int depth = depth(state);
        return depth > 0 && (stack(state) & (1L << (depth - 1))) != 0;
    }

    private static long aux(long state) {
        return state >>> AUX_SHIFT;
    }

    private static int alternative(long state) {
        return (int) (aux(state) & 0xFFFF);
    }

    private static int matched(long state) {
        return (int) (aux(state) >>> 16);
    }

    /** The same depth and stack in another phase; the whitespace run ends. */
    private static long set(long state, int phase, long aux) {
        return (state & STRUCTURE_MASK) | (aux << AUX_SHIFT) | phase;
    }

    /** One more whitespace character in the run, or REJECT past the limit. */
    private static long whitespace(long state) {
        int run = (int) ((state >>> WS_SHIFT) & 31) + 1;
        if (run > MAX_WHITESPACE) {
            return REJECT;
        }
        return (state & ~(31L << WS_SHIFT)) | ((long) run << WS_SHIFT);
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
    }
}
