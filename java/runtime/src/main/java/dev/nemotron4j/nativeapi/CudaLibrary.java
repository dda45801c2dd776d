package dev.nemotron4j.nativeapi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bytedeco.javacpp.Loader;

/**
 * Which {@code libnemotron_cuda.so} the native core opens for the CUDA backend: the caller's path; else
 * {@code $NEMOTRON_CUDA_LIBRARY} (the core reads it); else the copy packaged in the platform jar (there when
 * the jar was built where cuBLAS is; extracted once per JVM); else the core's own search (beside the core
 * library, then the dynamic loader's path). Whether the library then loads is the core's to say.
 */
final class CudaLibrary {
    static final String ENV = "NEMOTRON_CUDA_LIBRARY";
    static final String FILE_NAME = "libnemotron_cuda.so";

    private static final System.Logger LOG = System.getLogger(CudaLibrary.class.getName());

    private CudaLibrary() {}

    /** The path for {@code nt_model_options.cuda_library}; null lets the core search. */
    static Path choose(Path requested) {
        if (requested != null) {
            return requested.toAbsolutePath();
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isEmpty()) {
            return null;
        }
        return Packaged.PATH;
    }

    /** The packaged library, looked up and extracted on first use. */
    private static final class Packaged {
        static final Path PATH = find();

        private static Path find() {
            URL resource = NemotronNative.class.getResource(Loader.getPlatform() + "/" + FILE_NAME);
            if (resource == null) {
                return null;
            }
            try {
                return extract(resource);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not extract the packaged " + FILE_NAME + " (" + e
                        + "); the native core searches for one itself");
                return null;
            }
        }
    }

    /** A file on disk with the resource's bytes: the file itself when it is one, else a temporary copy. */
    static Path extract(URL resource) throws IOException {
        if (resource.getProtocol().equals("file")) {
            try {
                return Path.of(resource.toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IOException("bad resource URL " + resource, e);
            }
        }
        // A folder of its own, so the file keeps its name (the core's messages show it); both deleted at exit,
        // the file first (deleteOnExit runs in reverse order of registration).
        Path dir = Files.createTempDirectory("nemotron4j-cuda");
        dir.toFile().deleteOnExit();
        Path file = dir.resolve(FILE_NAME);
        file.toFile().deleteOnExit();
        try (InputStream in = resource.openStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
