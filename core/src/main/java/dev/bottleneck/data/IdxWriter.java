package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes images and labels in the IDX format that {@link IdxReader} reads (gzip-compressed when
 * the file name ends in {@code .gz}).
 *
 * <p>It exists so that subsets of MNIST-style data (the shipped {@code fashion-mnist-2k}) and
 * test fixtures can be made with the same code that reads them. Each file is written to a
 * temporary name beside the target and then renamed, so a crash never leaves half a file under
 * the real name.
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    /**
     * Writes an image table (one channel, values in [0, 1], as {@link IdxReader} returns them) to
     * an images file and, when {@code labels} is not {@code null}, its labels to a labels file.
     * Pixels are stored as {@code round(v * 255)}, clamped to 0..255.
     *
     * @throws BottleneckException when the table has no single-channel image shape, or labels are
     *                             requested but missing or not whole numbers from 0 to 255
     */
    public static void write(Table table, Path images, Path labels) {
        int[] shape = table.imageShape().orElseThrow(() -> new BottleneckException(table.source()
                + " has no image shape (expected a table of images, such as one read by IdxReader, to write as IDX)"));
        if (shape[0] != 1) {
            throw new BottleneckException(table.source() + " has " + shape[0]
                    + " channels per image (expected 1: IDX images are single-channel)");
        }
        byte[] pixels = new byte[table.rows() * table.cols()];
        float[] row = new float[table.cols()];
        int[] one = new int[1];
        for (int r = 0; r < table.rows(); r++) {
            one[0] = r;
            table.copyRows(one, 0, 1, row);
            for (int c = 0; c < row.length; c++) {
                float v = Float.isNaN(row[c]) ? 0f : Math.max(0f, Math.min(1f, row[c]));
                pixels[r * row.length + c] = (byte) Math.round(v * 255f);
            }
        }
        byte[] labelBytes = null;
        if (labels != null) {
            if (!table.hasLabels()) {
                throw new BottleneckException(table.source() + " has no labels (expected labels to write to " + labels + ")");
            }
            labelBytes = new byte[table.rows()];
            for (int r = 0; r < table.rows(); r++) {
                String text = table.label(r);
                int v;
                try {
                    v = Integer.parseInt(text.trim());
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < 0 || v > 255) {
                    throw new BottleneckException(table.source() + ", row " + (r + 1) + ": label \"" + text
                            + "\" cannot be written to an IDX labels file (expected a whole number from 0 to 255)");
                }
                labelBytes[r] = (byte) v;
            }
        }
        writeImages(images, pixels, table.rows(), shape[1], shape[2]);
        if (labelBytes != null) {
            writeLabels(labels, labelBytes);
        }
    }

    /** Writes {@code count} images of {@code height x width} raw bytes (row-major) to an IDX images file. */
    public static void writeImages(Path path, byte[] pixels, int count, int height, int width) {
        if (count < 0 || height < 1 || width < 1 || (long) count * height * width != pixels.length) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes but " + count + " images of "
                    + height + " x " + width + " need " + ((long) count * height * width));
        }
        writeFile(path, new int[] {IdxReader.IMAGES_MAGIC, count, height, width}, pixels);
    }

    /** Writes one byte per image to an IDX labels file. */
    public static void writeLabels(Path path, byte[] labels) {
        writeFile(path, new int[] {IdxReader.LABELS_MAGIC, labels.length}, labels);
    }

    private static void writeFile(Path path, int[] header, byte[] data) {
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
            try (OutputStream raw = Files.newOutputStream(tmp);
                 OutputStream out = path.getFileName().toString().toLowerCase().endsWith(".gz")
                         ? new GZIPOutputStream(new BufferedOutputStream(raw, 1 << 16), 1 << 16)
                         : new BufferedOutputStream(raw, 1 << 16)) {
                for (int word : header) {
                    out.write(word >>> 24);
                    out.write(word >>> 16);
                    out.write(word >>> 8);
                    out.write(word);
                }
                out.write(data);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BottleneckException(path + " could not be written: " + e.getMessage()
                    + " (expected a writable location)", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and harmless
                }
            }
        }
    }
}
