package dev.nemotron4j;

import dev.nemotron4j.nativeapi.NativeModel;

/**
 * This machine's limits as the native core measures them, for stating speeds as ratios: read bandwidth
 * (a reduction over a buffer larger than the caches), copy bandwidth (bytes read + written), the float32
 * FMA peak of a register-blocked loop (the ceiling any kernel on these cores can reach) and the GEMM
 * peak (this build's prefill GEMM on a bf16 4096 × 4096 weight and 512 tokens: the best a dense layer of
 * a prompt gets here).
 */
public record MachineLimits(double readGbPerS, double copyGbPerS, double fmaGflopPerS, double gemmGflopPerS,
        int threads) {
    /** Measures on {@code threads} threads (0 = every core); takes a second or two. */
    public static MachineLimits measure(int threads) {
        NativeModel.Limits l = NativeModel.measureLimits(threads);
        int used = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MachineLimits(l.readGbPerS(), l.copyGbPerS(), l.fmaGflopPerS(), l.gemmGflopPerS(), used);
    }
}
