package dev.nemotron4j.cli;

import dev.nemotron4j.config.LayerKind;
import dev.nemotron4j.config.NemotronConfig;

/**
 * What a token costs a model of a given shape: the dense-layer weights it reads (every matrix but the
 * embedding table, which is gathered), the multiply-adds of those layers, and the cache it occupies.
 * The limits the benchmark states its figures against come from these.
 */
record ModelCost(long matrixParams, long lmHeadParams, long stateBytesPerSequence, long kvBytesPerToken) {
    static ModelCost of(NemotronConfig c) {
        long h = c.hiddenSize();
        long mamba = 0;
        long attention = 0;
        long mlp = 0;
        long convDim = 0;
        long ssm = 0;
        if (c.count(LayerKind.MAMBA) > 0) {
            long dInner = (long) c.mambaNumHeads() * c.mambaHeadDim();
            long gN = 2L * c.nGroups() * c.ssmStateSize();
            mamba = (2 * dInner + gN + c.mambaNumHeads()) * h + h * dInner;
            convDim = dInner + gN;
            ssm = dInner * c.ssmStateSize();
        }
        long kvDim = 0;
        if (c.count(LayerKind.ATTENTION) > 0) {
            long q = (long) c.numAttentionHeads() * c.headDim();
            kvDim = (long) c.numKeyValueHeads() * c.headDim();
            attention = (q + 2 * kvDim) * h + h * q;
        }
        if (c.count(LayerKind.MLP) > 0) {
            mlp = 2L * c.intermediateSize() * h;
        }
        long lmHead = (long) c.vocabSize() * h;
        long params = c.count(LayerKind.MAMBA) * mamba + c.count(LayerKind.ATTENTION) * attention
                + c.count(LayerKind.MLP) * mlp + lmHead;
        long state = c.count(LayerKind.MAMBA) * (convDim * (c.convKernel() - 1) * 4 + ssm * 4);
        long kv = c.count(LayerKind.ATTENTION) * 2 * kvDim * 4;
        return new ModelCost(params, lmHead, state, kv);
    }

    /** Weight bytes one decode step reads per sequence, at {@code bytesPerWeight} (2 for bf16). */
    double decodeBytes(double bytesPerWeight) {
        return matrixParams * bytesPerWeight;
    }

    /** Floating-point operations of the dense layers for one decode token. */
    double decodeFlops() {
        return 2.0 * matrixParams;
    }

    /** Dense-layer flops of a prefill of n tokens (logits only for the last one). */
    double prefillFlops(long n) {
        return 2.0 * (matrixParams - lmHeadParams) * n + 2.0 * lmHeadParams;
    }
}
