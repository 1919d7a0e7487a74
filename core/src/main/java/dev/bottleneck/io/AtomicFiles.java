package dev.bottleneck.io;

import dev.bottleneck.BottleneckException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Writes files and directories so that a crash never leaves half of one: everything goes to a
 * temporary name beside the target and is renamed into place when complete.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes the content of a file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Something that fills a (fresh, empty) directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void write(Path dir) throws IOException;
    }

    /** Writes a file through a temporary sibling and renames it over {@code target}. */
    public static void write(Path target, Writer writer) {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(abs.getParent());
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            move(tmp, abs);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new BottleneckException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes a text file atomically. */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Builds a directory under a temporary name, then swaps it into place. When {@code target}
     * exists it is replaced only if {@code overwrite} is true; the old one is removed after the
     * new one is in place.
     */
    public static void writeDirectory(Path target, boolean overwrite, DirectoryWriter writer) {
        Path abs = target.toAbsolutePath().normalize();
        refuseExisting(target, overwrite);
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new BottleneckException(
                    "output path " + target + " is a file, expected a directory name");
        }
        String base = abs.getFileName().toString();
        Path tmp = abs.resolveSibling("." + base + ".tmp-" + UUID.randomUUID());
        Path old = abs.resolveSibling("." + base + ".old-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            writer.write(tmp);
            if (Files.exists(abs)) {
                move(abs, old);
            }
            move(tmp, abs);
            deleteRecursively(old);
        } catch (IOException e) {
            deleteRecursively(tmp);
            throw new BottleneckException("could not write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    /**
     * Fails with one sentence when {@code target} exists and may not be replaced — also callable
     * before long work (training), so a run is not wasted on an output it cannot write.
     */
    public static void refuseExisting(Path target, boolean overwrite) {
        if (Files.exists(target) && !overwrite) {
            throw new BottleneckException(
                    "output directory " + target + " already exists (choose another --out or pass --overwrite)");
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a file or directory tree if it exists; failures are ignored (best-effort cleanup). */
    public static void deleteRecursively(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try {
            Files.walkFileTree(
                    path,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.deleteIfExists(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                                throws IOException {
                            Files.deleteIfExists(dir);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover temporary directory is harmless and clearly named
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
