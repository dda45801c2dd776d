package dev.nemotron4j.nativeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nemotron4j.LoadProgress;
import org.junit.jupiter.api.Test;

/** {@link NativeModel#apply}: what the native core's {@code nt_model_options} receives (no model is loaded). */
class NativeModelIT {
    private static NativeModel.Options on(NativeModel.Backend backend, NativeModel.ActivationPrecision activations) {
        return new NativeModel.Options(0, NativeModel.StateDtype.FLOAT32, 0, 0, 0, backend, 0, null, activations,
                LoadProgress.NONE);
    }

    private static int[] applied(NativeModel.Options settings) {
        try (var options = new NemotronNative.NtModelOptions()) {
            NativeModel.apply(settings, options, null);
            return new int[] {options.backend(), options.activation_precision()};
        }
    }

    @Test
    void activationPrecisionReachesTheCudaBackend() {
        var cuda = NativeModel.Backend.CUDA;
        assertEquals(NemotronNative.NT_BACKEND_CUDA, applied(on(cuda, NativeModel.ActivationPrecision.FLOAT32))[0]);
        assertEquals(NemotronNative.NT_ACTIVATIONS_F32, applied(on(cuda, NativeModel.ActivationPrecision.FLOAT32))[1]);
        assertEquals(NemotronNative.NT_ACTIVATIONS_BF16,
                applied(on(cuda, NativeModel.ActivationPrecision.BFLOAT16))[1]);
    }

    @Test
    void theCpuGetsTheDefault() {
        int[] cpu = applied(on(NativeModel.Backend.CUDA, NativeModel.ActivationPrecision.FLOAT32).onCpu());
        assertEquals(NemotronNative.NT_BACKEND_CPU, cpu[0]);
        assertEquals(NemotronNative.NT_ACTIVATIONS_BF16, cpu[1]);
    }
}
