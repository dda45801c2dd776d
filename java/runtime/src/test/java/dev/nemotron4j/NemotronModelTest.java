package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.nemotron4j.nativeapi.NativeModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What {@link NemotronModel} asks the native core for: {@link ModelOptions} as {@link NativeModel.Options}. */
class NemotronModelTest {
    @Test
    void gpuActivationsReachTheNativeOptions() {
        NativeModel.Options byDefault = NemotronModel.nativeOptions(ModelOptions.builder().device("cuda:1").build());
        assertEquals(NativeModel.Backend.CUDA, byDefault.backend());
        assertEquals(1, byDefault.deviceIndex());
        assertEquals(NativeModel.ActivationPrecision.BFLOAT16, byDefault.activations());
        NativeModel.Options f32 = NemotronModel.nativeOptions(
                ModelOptions.builder().device("auto").gpuActivations(GpuActivations.FLOAT32).build());
        assertEquals(NativeModel.Backend.CUDA, f32.backend());
        assertEquals(NativeModel.ActivationPrecision.FLOAT32, f32.activations());
    }

    @Test
    void theLoadProgressIsToldOfTheGpuUpload() {
        LoadProgress progress = (done, total) -> {};
        for (String device : new String[] {"cuda", "auto"}) {
            NativeModel.Options settings = NemotronModel.nativeOptions(
                    ModelOptions.builder().device(device).progress(progress).build());
            assertSame(progress, settings.progress(), device);
            assertSame(LoadProgress.NONE, settings.onCpu().progress(), device);
        }
    }

    @Test
    void theCpuFallbackKeepsTheCpuOptionsAndDropsTheGpuOnes() {
        ModelOptions options = ModelOptions.builder().device("cuda:2").cudaLibrary(Path.of("/opt/libnemotron_cuda.so"))
                .gpuActivations(GpuActivations.FLOAT32).threads(3).ssmStateDtype(SsmStateDtype.BFLOAT16)
                .progress((done, total) -> {}).engine(EngineOptions.builder().stateSlots(5).build()).build();
        NativeModel.Options onCpu = NemotronModel.nativeOptions(options).onCpu();
        assertEquals(new NativeModel.Options(3, NativeModel.StateDtype.BFLOAT16, options.engine().cacheMemory(), 5,
                options.engine().kvBlockTokens(), NativeModel.Backend.CPU, 0, null,
                NativeModel.ActivationPrecision.BFLOAT16, LoadProgress.NONE), onCpu);
    }
}
