package dev.bottleneck.plot;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Writes PNG files so that a reader never sees a half-written picture.
 *
 * <p>Plots are often written at the end of a long training run, or refreshed every epoch while
 * someone watches the file. If the process dies mid-write, a truncated PNG would replace the last
 * good one. So the image is first written (and fsync'ed) to a temporary file in the same
 * directory, then renamed over the target: rename within one directory is atomic on POSIX file
 * systems. Where an atomic move is not supported we fall back to a plain replacing move.
 *
 * <p>Also the one place that switches AWT to headless mode, because plots are mostly drawn on
 * servers without a display; every class in this package touches it before using AWT.
 */
public final class PngFiles {

    static {
        ensureHeadless();
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private PngFiles() {}

    /**
     * Sets {@code java.awt.headless=true} unless the user chose a value explicitly. Must run before
     * the first AWT class initialises, hence called from static initialisers in this package.
     */
    static void ensureHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * Encodes {@code img} as PNG and atomically puts it at {@code out}, replacing any existing file.
     * Missing parent directories are created.
     *
     * @throws IOException if the file cannot be written; no temporary file is left behind
     */
    public static void writeAtomically(BufferedImage img, Path out) throws IOException {
        Objects.requireNonNull(img, "img");
        Objects.requireNonNull(out, "out");
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // Leading dot: tools listing the directory (and people) ignore it while it exists.
        // Not Files.createTempFile: that makes the file owner-only (0600), and the rename would
        // carry those permissions over to the PNG. CREATE_NEW honours the umask like any new file.
        Path tmp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        boolean moved = false;
        try {
            try (ch; OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch))) {
                if (!ImageIO.write(img, "png", os)) {
                    throw new IOException("No PNG writer available for image type " + img.getType());
                }
                os.flush();
                ch.force(true); // data on disk before the rename makes it visible
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
