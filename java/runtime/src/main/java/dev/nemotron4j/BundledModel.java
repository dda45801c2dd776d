package dev.nemotron4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * The model that ships inside the runtime jar: {@code nemotron-h-tiny-chat}, a 1.45M-parameter
 * NemotronH trained on arithmetic chats in the Nemotron Nano 2 format (with its tokenizer, chat
 * template and golden logits). Used when no model folder is given, and for trying things out.
 * It is extracted once to a cache folder, because the native core memory-maps files.
 */
public final class BundledModel {
    /** The bundled model's name (also its folder name in the repository's models/). */
    public static final String NAME = "nemotron-h-tiny-chat";
    /** Every file of the folder; {@code BundledModelIT} checks this list against models/. */
    static final List<String> FILES = List.of("ABOUT.json", "chat_demo.json", "config.json", "generation_config.json",
            "golden.json", "golden.safetensors", "model.safetensors", "tokenizer.json", "tokenizer_config.json");
    private static final String RESOURCE_DIR = "/dev/nemotron4j/bundled/" + NAME + "/";

    private BundledModel() {}

    /**
     * The folder holding the bundled model, extracting it on first use to
     * {@code ~/.cache/nemotron4j/<version>/nemotron-h-tiny-chat} (or the temp folder when home is not
     * writable). Safe when several processes extract at once.
     */
    public static Path directory() {
        // The jar version names the cache folder, so an upgrade never reuses another release's copy.
        String version = Objects.requireNonNullElse(BundledModel.class.getPackage().getImplementationVersion(), "dev");
        Path home = Path.of(System.getProperty("user.home"), ".cache", "nemotron4j", version);
        try {
            return extractTo(home);
        } catch (IOException | UncheckedIOException e) {
            try {
                return extractTo(Path.of(System.getProperty("java.io.tmpdir"), "nemotron4j-" + version));
            } catch (IOException second) {
                throw new ModelLoadException("cannot extract the bundled model to " + home + " or the temp folder: "
                        + second.getMessage(), second);
            }
        }
    }

    private static Path extractTo(Path cache) throws IOException {
        Path target = cache.resolve(NAME);
        if (complete(target)) {
            return target;
        }
        Files.createDirectories(cache);
        Path staging = Files.createTempDirectory(cache, NAME + ".partial-");
        for (String file : FILES) {
            try (InputStream in = BundledModel.class.getResourceAsStream(RESOURCE_DIR + file)) {
                if (in == null) {
                    throw new ModelLoadException("the bundled model's " + file + " is missing from the jar");
                }
                Files.copy(in, staging.resolve(file));
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
            deleteTree(staging);  // another process won the race (or left an incomplete copy: replace it)
            if (!complete(target)) {
                deleteTree(target);
                return extractTo(cache);
            }
        }
        return target;
    }

    private static boolean complete(Path dir) {
        return FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
