package dev.nemotron4j.weights;

import dev.nemotron4j.LoadProgress;
import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads every checkpoint file once, front to back, so that the page cache holds the weights before
 * the first token: the native core memory-maps the same files, so its first forward pass then finds
 * them in memory instead of faulting in gigabytes page by page with no feedback. Reports progress.
 */
public final class WeightPreloader {
    private static final int BLOCK = 8 << 20;

    private WeightPreloader() {}

    public static void preload(Checkpoint checkpoint, LoadProgress progress) {
        long total = 0;
        for (Path file : checkpoint.files()) {
            total += file.toFile().length();
        }
        long done = 0;
        ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK);
        progress.update(LoadProgress.Stage.READING, 0, total);
        for (Path file : checkpoint.files()) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                int n;
                while ((n = channel.read(buffer.clear())) > 0) {
                    done += n;
                    progress.update(LoadProgress.Stage.READING, done, total);
                }
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        progress.update(LoadProgress.Stage.READING, total, total);
    }
}
