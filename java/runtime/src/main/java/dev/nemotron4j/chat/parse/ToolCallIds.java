package dev.nemotron4j.chat.parse;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sources of tool-call ids. Random is the default because clients (OpenAI's SDKs, LangChain4j, agent
 * loops) match a tool's result to its call by id across the whole conversation, and a per-reply counter
 * would repeat {@code call_0} in every turn. Sequential ids are for reproducible output: tests, goldens,
 * and seeded runs whose bytes must not change between runs.
 */
public final class ToolCallIds {
    static final String PREFIX = "call_";
    /** OpenAI's own ids carry 24 characters after {@code call_}; 62^24 ≈ 2^143 makes collisions moot. */
    static final int RANDOM_LENGTH = 24;
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private ToolCallIds() {}

    /** {@code call_} + 24 random letters and digits, from a generator of this supplier's own. */
    public static Supplier<String> random() {
        SecureRandom random = new SecureRandom();
        return () -> {
            StringBuilder id = new StringBuilder(PREFIX.length() + RANDOM_LENGTH).append(PREFIX);
            for (int i = 0; i < RANDOM_LENGTH; i++) {
                id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
            }
            return id.toString();
        };
    }

    /** {@code call_0}, {@code call_1}, … counting calls of this supplier. */
    public static Supplier<String> sequential() {
        AtomicLong next = new AtomicLong();
        return () -> PREFIX + next.getAndIncrement();
    }
}
