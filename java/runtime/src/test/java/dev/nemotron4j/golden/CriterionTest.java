package dev.nemotron4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.Device;
import dev.nemotron4j.GpuActivations;
import org.junit.jupiter.api.Test;

/** {@link Criterion}: the bound per device, as native/tests/model/test_goldens.cpp has them, and the two measures. */
class CriterionTest {
    @Test
    void theDeviceAndActivationsPickTheCriterion() {
        for (GpuActivations a : GpuActivations.values()) {
            assertEquals(Criterion.CPU, Criterion.of(Device.CPU, a), "the CPU ignores the GPU activations");
        }
        assertEquals(Criterion.CUDA_BFLOAT16, Criterion.of(Device.cuda(0), GpuActivations.BFLOAT16));
        assertEquals(Criterion.CUDA_FLOAT32, Criterion.of(Device.cuda(1), GpuActivations.FLOAT32));
    }

    @Test
    void boundsMirrorTheNativeGoldenTest() {
        assertEquals(Criterion.Metric.L2_REL, Criterion.CPU.metric());
        assertEquals(GoldenVerifier.TOLERANCE, Criterion.CPU.tolerance());
        assertTrue(Criterion.CPU.tokensMustMatch());
        assertEquals(Criterion.Metric.MAX_REL, Criterion.CUDA_FLOAT32.metric());
        assertEquals(1e-3, Criterion.CUDA_FLOAT32.tolerance());
        assertTrue(Criterion.CUDA_FLOAT32.tokensMustMatch());
        assertEquals(Criterion.Metric.MAX_REL, Criterion.CUDA_BFLOAT16.metric());
        assertEquals(2e-2, Criterion.CUDA_BFLOAT16.tolerance());
        assertFalse(Criterion.CUDA_BFLOAT16.tokensMustMatch());
        assertTrue(Criterion.CUDA_BFLOAT16.within(2e-2));
        assertFalse(Criterion.CUDA_BFLOAT16.within(2.01e-2));
        assertFalse(Criterion.CPU.within(Double.NaN));
    }

    @Test
    void maxRelativeErrorIsTheWorstEntryOverTheLargestReference() {
        float[] ref = {1, -4, 2, 0};
        float[] out = {1, -4, 2.5f, 0.25f};
        assertEquals(0.5 / 4, Criterion.Metric.MAX_REL.error(out, ref), 1e-12);
        assertEquals(0.0, Criterion.Metric.MAX_REL.error(ref, ref));
        assertEquals(Double.POSITIVE_INFINITY, Criterion.Metric.MAX_REL.error(new float[] {1, Float.NaN, 2, 0}, ref));
        // the same difference spread over every entry: the l2 measure averages it, the max measure does not
        float[] wide = new float[100];
        float[] shifted = new float[100];
        java.util.Arrays.fill(wide, 1);
        java.util.Arrays.fill(shifted, 1);
        shifted[7] = 1.1f;
        assertEquals(0.1, Criterion.Metric.MAX_REL.error(shifted, wide), 1e-6);
        assertEquals(0.01, Criterion.Metric.L2_REL.error(shifted, wide), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Criterion.Metric.MAX_REL.error(new float[3], ref));
    }
}
