package dev.nemotron4j;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the bundled test checkpoints live: the repository's models/ folder (set by Maven, or found upward). */
public final class RepoPaths {
    private RepoPaths() {}

    public static Path repo() {
        String configured = System.getProperty("nemotron4j.repo");
        if (configured != null) {
            return Path.of(configured);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("models").resolve("tiny-a"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository's models/ folder; set -Dnemotron4j.repo");
        }
        return p;
    }

    public static Path model(String name) {
        return repo().resolve("models").resolve(name);
    }
}
