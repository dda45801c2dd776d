package dev.nemotron4j;

import dev.nemotron4j.nativeapi.NativeModel;

/**
 * This machine's limits as the native core measures them, for stating speeds as ratios: read bandwidth
 * (a reduction over a buffer larger than the caches), copy bandwidth (bytes read + written) and the
 * float32 FMA peak of a register-blocked loop (the ceiling any GEMM on these cores can reach).
 */
public record MachineLimits(double readGbPerS, double copyGbPerS, double fmaGflopPerS, int threads) {
    /** Measures on {@code threads} threads (0 = every core); takes a second or two. */
    public static MachineLimits measure(int threads) {
        NativeModel.Limits l = NativeModel.measureLimits(threads);
        int used = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MachineLimits(l.readGbPerS(), l.copyGbPerS(), l.fmaGflopPerS(), used);
    }
}
