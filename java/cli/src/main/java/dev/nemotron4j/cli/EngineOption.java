package dev.nemotron4j.cli;

import dev.nemotron4j.EngineOptions;
import dev.nemotron4j.InvalidRequestException;
import java.lang.management.ManagementFactory;
import picocli.CommandLine.Option;

/** The engine's cache and scheduling options (a picocli mixin of {@link ModelOption}); vLLM's names in the help. */
final class EngineOption {
    @Option(names = "--cache-memory", paramLabel = "SIZE",
            description = "memory for the Mamba state slots and KV blocks: bytes with an optional K/M/G suffix "
                    + "(4G), or a fraction of physical memory (0.25); default 1G")
    String cacheMemory;

    @Option(names = "--state-slots", defaultValue = "0", paramLabel = "N",
            description = "Mamba state slots, one per running sequence or prefix snapshot (0 = as many as half "
                    + "the cache memory holds, at most 256)")
    int stateSlots;

    @Option(names = "--kv-block-tokens", defaultValue = "0", paramLabel = "N",
            description = "tokens per KV block (0 = 16)")
    int kvBlockTokens;

    @Option(names = {"--max-running", "--max-num-seqs"}, defaultValue = "0", paramLabel = "N",
            description = "sequences decoded together at most, like vLLM's --max-num-seqs (0 = the state slots)")
    int maxRunning;

    @Option(names = {"--step-tokens", "--max-num-batched-tokens"}, defaultValue = "1024", paramLabel = "N",
            description = "tokens per engine step, like vLLM's --max-num-batched-tokens (default ${DEFAULT-VALUE})")
    int stepTokens;

    @Option(names = "--prefill-chunk", defaultValue = "512", paramLabel = "N",
            description = "prompts are prefilled in chunks of this many tokens (default ${DEFAULT-VALUE})")
    int prefillChunk;

    @Option(names = "--no-prefix-cache", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "reuse the state of earlier requests that share a prefix (default: on)")
    boolean prefixCache;

    @Option(names = "--max-model-len", defaultValue = "0", paramLabel = "N",
            description = "the context a request may fill, prompt and reply, as vLLM's --max-model-len (0 = the "
                    + "model's max_position_embeddings, the default; more than that is refused)")
    int maxModelLen;

    EngineOptions options() {
        return EngineOptions.builder().cacheMemory(cacheMemory == null ? 0 : parseSize(cacheMemory))
                .stateSlots(stateSlots).kvBlockTokens(kvBlockTokens).maxRunning(maxRunning).stepTokens(stepTokens)
                .prefillChunk(prefillChunk).prefixCache(prefixCache).maxModelLen(maxModelLen).build();
    }

    /** "4G", "512M", "300000", or a fraction of physical memory like "0.25". */
    static long parseSize(String text) {
        String s = text.trim().toUpperCase(java.util.Locale.ROOT);
        try {
            if (s.contains(".") || s.equals("0") || s.equals("1")) {
                double fraction = Double.parseDouble(s);
                if (fraction <= 0 || fraction > 1) {
                    throw new InvalidRequestException("a fraction of memory must be in (0, 1], got " + text);
                }
                return (long) (fraction * physicalMemory());
            }
            long unit = switch (s.charAt(s.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                case 'G' -> 1L << 30;
                case 'T' -> 1L << 40;
                default -> 1;
            };
            String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
            long bytes = Math.multiplyExact(Long.parseLong(digits.replace("B", "")), unit);
            if (bytes <= 0) {
                throw new InvalidRequestException("--cache-memory must be positive, got " + text);
            }
            return bytes;
        } catch (NumberFormatException | StringIndexOutOfBoundsException | ArithmeticException e) {
            throw new InvalidRequestException("--cache-memory takes bytes (4G, 512M, 300000) or a fraction of "
                    + "physical memory (0.25), got '" + text + "'");
        }
    }

    private static long physicalMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        throw new InvalidRequestException("cannot read the physical memory size here: give --cache-memory in bytes");
    }
}
