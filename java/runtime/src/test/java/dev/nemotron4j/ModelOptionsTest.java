package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link ModelOptions}: defaults, the device option in both spellings, GPU activations, and validation. */
class ModelOptionsTest {
    @Test
    void defaultsRunOnTheCpu() {
        ModelOptions o = ModelOptions.defaults();
        assertEquals(Device.CPU, o.device());
        assertNull(o.cudaLibrary());
        assertEquals(0, o.threads());
        assertEquals(SsmStateDtype.FLOAT32, o.ssmStateDtype());
        assertEquals(GpuActivations.BFLOAT16, o.gpuActivations());
    }

    @Test
    void gpuActivationsAreSetAndKept() {
        ModelOptions o = ModelOptions.builder().device("cuda").gpuActivations(GpuActivations.FLOAT32).build();
        assertEquals(GpuActivations.FLOAT32, o.gpuActivations());
        assertEquals(GpuActivations.FLOAT32, o.toBuilder().threads(2).build().gpuActivations());
        assertEquals(GpuActivations.BFLOAT16, o.toBuilder().gpuActivations(GpuActivations.BFLOAT16).build()
                .gpuActivations());
    }

    @Test
    void deviceFromAStringOrAValue() {
        assertEquals(Device.cuda(1), ModelOptions.builder().device("cuda:1").build().device());
        assertEquals(Device.cuda(0), ModelOptions.builder().device("cuda").build().device());
        assertEquals(Device.AUTO, ModelOptions.builder().device("auto").build().device());
        assertEquals(Device.AUTO, ModelOptions.builder().device(Device.AUTO).build().device());
    }

    @Test
    void toBuilderKeepsDeviceAndLibrary() {
        Path library = Path.of("/opt/nemotron4j/libnemotron_cuda.so");
        ModelOptions o = ModelOptions.builder().device("cuda:2").cudaLibrary(library).threads(3).build();
        assertEquals(o, o.toBuilder().build());
        assertEquals(library, o.toBuilder().threads(1).build().cudaLibrary());
        assertEquals(Device.cuda(2), o.toBuilder().threads(1).build().device());
    }

    @Test
    void rejectsBadValuesNamingTheField() {
        for (String device : new String[] {"gpu", "cuda:-1", "cuda:x"}) {
            var e = assertThrows(InvalidRequestException.class, () -> ModelOptions.builder().device(device));
            assertTrue(e.getMessage().startsWith("device "), e.getMessage());
        }
        var nullDevice = assertThrows(NullPointerException.class,
                () -> ModelOptions.builder().device((Device) null).build());
        assertEquals("device", nullDevice.getMessage());
        var nullActivations = assertThrows(NullPointerException.class,
                () -> ModelOptions.builder().gpuActivations(null).build());
        assertEquals("gpuActivations", nullActivations.getMessage());
        var threads = assertThrows(InvalidRequestException.class, () -> ModelOptions.builder().threads(-1).build());
        assertTrue(threads.getMessage().startsWith("threads "), threads.getMessage());
    }
}
