package dev.nemotron4j.nativeapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CudaLibrary}: the caller's path wins, and a packaged library becomes a file the core can open. */
class CudaLibraryTest {
    @TempDir
    Path tmp;

    @Test
    void theCallersPathWinsMadeAbsolute() {
        Path relative = Path.of("lib", "libnemotron_cuda.so");
        assertEquals(relative.toAbsolutePath(), CudaLibrary.choose(relative));
    }

    @Test
    void aLibraryInsideAJarIsCopiedOutUnderItsOwnName() throws IOException {
        byte[] bytes = {0x7f, 'E', 'L', 'F', 1, 2, 3};
        Path jar = tmp.resolve("runtime-linux-x86_64.jar");
        String entry = "dev/nemotron4j/nativeapi/linux-x86_64/" + CudaLibrary.FILE_NAME;
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(bytes);
            out.closeEntry();
        }
        Path extracted = CudaLibrary.extract(new URL("jar:" + jar.toUri() + "!/" + entry));
        assertEquals(CudaLibrary.FILE_NAME, extracted.getFileName().toString());
        assertNotEquals(tmp, extracted.getParent());
        assertArrayEquals(bytes, Files.readAllBytes(extracted));
    }

    @Test
    void aLibraryOnDiskIsUsedInPlace() throws IOException {
        Path file = Files.write(tmp.resolve(CudaLibrary.FILE_NAME), new byte[] {1, 2});
        assertEquals(file, CudaLibrary.extract(file.toUri().toURL()));
    }
}
