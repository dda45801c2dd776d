package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar carries the bundled model exactly as models/ holds it, and it extracts and loads. */
class BundledModelIT {
    @TempDir
    Path home;

    @Test
    void theFileListMatchesTheRepository() throws IOException {
        try (Stream<Path> files = Files.list(RepoPaths.model(BundledModel.NAME))) {
            assertEquals(files.map(p -> p.getFileName().toString()).sorted().toList(), BundledModel.FILES);
        }
    }

    @Test
    void extractsOnceAndLoads() throws IOException {
        String saved = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            Path dir = BundledModel.directory();
            assertEquals(dir, BundledModel.directory(), "the second call reuses the extracted copy");
            for (String file : List.of("model.safetensors", "config.json")) {
                assertArrayEquals(Files.readAllBytes(RepoPaths.model(BundledModel.NAME).resolve(file)),
                        Files.readAllBytes(dir.resolve(file)), file);
            }
            try (NemotronModel model = NemotronModel.load(dir)) {
                assertEquals("M-M*M-M-", model.config().layerPattern());
            }
        } finally {
            System.setProperty("user.home", saved);
        }
    }
}
