package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens a data file for reading, gunzipping it when it is gzip data.
 *
 * <p>Compression is recognised by the gzip magic bytes rather than by the name alone, so a
 * {@code .gz} file renamed without its extension (or the reverse) still reads. Every problem a
 * user can cause (missing file, a directory, no permission) becomes one {@link
 * BottleneckException} sentence here, so each reader reports them the same way.
 */
final class FileInput {
    private static final int BUFFER = 1 << 16;

    private FileInput() {
    }

    /**
     * Checks that {@code path} is a readable regular file and opens it, decompressing gzip data.
     *
     * @param what a few words for the message, e.g. "a CSV file" or "an IDX images file"
     */
    static InputStream open(Path path, String what) {
        if (path == null) {
            throw new BottleneckException("no data file was given (expected a path to " + what + ")");
        }
        if (!Files.exists(path)) {
            throw new BottleneckException(path + " does not exist (expected " + what + ")");
        }
        if (Files.isDirectory(path)) {
            throw new BottleneckException(path + " is a directory, not a file (expected " + what + ")");
        }
        if (!Files.isReadable(path)) {
            throw new BottleneckException(path + " cannot be read: permission denied (expected a readable "
                    + what.replaceFirst("^an? ", "") + ")");
        }
        try {
            BufferedInputStream in = new BufferedInputStream(Files.newInputStream(path), BUFFER);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
            }
            if (path.getFileName().toString().toLowerCase().endsWith(".gz") && b0 >= 0) {
                in.close();
                throw new BottleneckException(path + " is named .gz but is not gzip data (expected a gzip-compressed "
                        + what.replaceFirst("^an? ", "") + ", or rename it without .gz)");
            }
            return in;
        } catch (IOException e) {
            throw new BottleneckException(path + " could not be opened: " + e.getMessage()
                    + " (expected a readable " + what.replaceFirst("^an? ", "") + ")", e);
        }
    }

    /** Words for an I/O failure met while reading, naming a truncated or damaged gzip stream as such. */
    static String describe(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (m.contains("Unexpected end of ZLIB input stream") || e instanceof java.io.EOFException) {
            return "the compressed data ends early (the file is truncated)";
        }
        if (e instanceof java.util.zip.ZipException) {
            return "the gzip data is corrupt (" + m + ")";
        }
        return m;
    }
}
