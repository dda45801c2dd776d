package dev.nemotron4j.testing;

import dev.nemotron4j.weights.TensorInfo;
import java.util.Random;

/**
 * Random values of a sensible scale for each Nemotron-H tensor, chosen by its name as
 * {@code random_model.py} of the reference tools does: the SSM parameters in their trained ranges
 * (A = −exp(A_log) with A_log = log U(1, 8), so the state decays; D ≈ 1; dt_bias so softplus gives dt
 * in roughly (0.02, 1)), norm weights near 1, linear weights N(0, 1)/√in so activations keep their
 * scale through the layers, embeddings N(0, 1).
 */
final class RandomWeights {
    private RandomWeights() {}

    static float[] values(String name, long[] shape, Random random) {
        float[] v = new float[Math.toIntExact(TensorInfo.numel(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) value(name, shape, random);
        }
        return v;
    }

    private static double value(String name, long[] shape, Random r) {
        if (name.endsWith(".A_log")) {
            return Math.log(uniform(r, 1, 8));
        }
        if (name.endsWith(".D")) {
            return uniform(r, 0.5, 1.5);
        }
        if (name.endsWith(".dt_bias")) {
            return uniform(r, -4, 0.5);
        }
        if (name.endsWith("norm.weight") || name.endsWith("norm_f.weight")) {
            return uniform(r, 0.6, 1.4);
        }
        if (name.endsWith(".bias")) {
            return r.nextGaussian() * 0.1;
        }
        if (name.endsWith("conv1d.weight")) {
            return r.nextGaussian() * 0.5;
        }
        if (name.endsWith("embeddings.weight") || shape.length != 2) {
            return r.nextGaussian();
        }
        return r.nextGaussian() / Math.sqrt(shape[1]); // a linear weight [out, in]
    }

    private static double uniform(Random r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }
}
