package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads images (and their labels) in the IDX format of MNIST and Fashion-MNIST, gzip or not.
 *
 * <p>IDX is a big-endian header (magic {@code 0x00000803} for a 3-D unsigned-byte array of
 * images, {@code 0x00000801} for a 1-D array of labels, then one 32-bit size per dimension)
 * followed by raw bytes. Images become one row each, pixels scaled to [0, 1] by {@code b / 255},
 * columns {@code p0 .. p(h*w-1)}, image shape {@code {1, h, w}}; labels become the text of their
 * digits, so an IDX table and a CSV table with a text label column look the same to every task.
 * A damaged file fails with one sentence saying which file, what was found and what was
 * expected, rather than with an {@code EOFException}.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (count, height, width). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Largest image accepted (pixels per image); guards against reading a wrong file as huge images. */
    private static final int MAX_PIXELS = 1 << 24;

    private IdxReader() {
    }

    /**
     * Reads up to {@code limit} images and, when {@code labels} is not {@code null}, their labels.
     *
     * @param images an IDX images file ({@code ...-images-idx3-ubyte[.gz]})
     * @param labels the matching IDX labels file, or {@code null} for an unlabelled table
     * @param limit  most images to read, from the start of the file; 0 or less reads them all
     * @throws BottleneckException when a file is missing, not IDX of the expected kind, truncated,
     *                             or the two files disagree on the number of images
     */
    public static Table readImages(Path images, Path labels, int limit) {
        String name = images == null ? "null" : images.toString();
        int count;
        int height;
        int width;
        byte[] pixels;
        try (InputStream in = FileInput.open(images, "an IDX images file (such as train-images-idx3-ubyte.gz)")) {
            int[] header = readHeader(in, name, 16, IMAGES_MAGIC, "an images file",
                    "3-dimensional unsigned-byte data, as in train-images-idx3-ubyte");
            int total = header[1];
            height = header[2];
            width = header[3];
            if (total < 0 || height < 1 || width < 1 || (long) height * width > MAX_PIXELS) {
                throw new BottleneckException(name + " declares " + u32(total) + " images of " + u32(height) + " x "
                        + u32(width) + " pixels (expected a non-negative count and a height and width from 1 up to "
                        + "a total of " + MAX_PIXELS + " pixels): it is not a valid IDX images file");
            }
            count = limit > 0 ? Math.min(limit, total) : total;
            long bytes = (long) count * height * width;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new BottleneckException(name + ": " + count + " images of " + height + " x " + width
                        + " pixels do not fit in one table (expected at most " + (Integer.MAX_VALUE - 16)
                        + " pixels in all; read fewer images with a limit)");
            }
            pixels = new byte[(int) bytes];
            int got = readFully(in, pixels);
            if (got < pixels.length) {
                throw new BottleneckException("file " + name + " is truncated: expected " + pixels.length
                        + " bytes of pixel data, found " + got);
            }
            String[] labelText = labels == null ? null : readLabels(labels, total, count);
            float[] values = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                values[i] = (pixels[i] & 0xff) / 255f;
            }
            int cols = height * width;
            return Table.owning(values, count, cols, Table.defaultColumns("p", cols), labelText,
                    labelText == null ? null : "label", new int[] {1, height, width}, name);
        } catch (IOException e) {
            throw new BottleneckException(name + " could not be read: " + FileInput.describe(e), e);
        }
    }

    /** Reads the first {@code count} labels of a labels file that must describe {@code total} images. */
    private static String[] readLabels(Path labels, int total, int count) {
        String name = labels.toString();
        try (InputStream in = FileInput.open(labels, "an IDX labels file (such as train-labels-idx1-ubyte.gz)")) {
            int[] header = readHeader(in, name, 8, LABELS_MAGIC, "a labels file",
                    "1-dimensional unsigned-byte data, as in train-labels-idx1-ubyte");
            if (header[1] != total) {
                throw new BottleneckException(name + " holds " + u32(header[1]) + " labels but its images file holds "
                        + total + " images (expected one label per image)");
            }
            byte[] raw = new byte[count];
            int got = readFully(in, raw);
            if (got < count) {
                throw new BottleneckException("file " + name + " is truncated: expected " + count
                        + " bytes of label data, found " + got);
            }
            String[] text = new String[count];
            for (int i = 0; i < count; i++) {
                text[i] = Integer.toString(raw[i] & 0xff);
            }
            return text;
        } catch (IOException e) {
            throw new BottleneckException(name + " could not be read: " + FileInput.describe(e), e);
        }
    }

    private static void checkMagic(int magic, int expected, String name, String kind, String meaning) {
        if (magic == expected) {
            return;
        }
        String found = String.format("0x%08X", magic);
        String hint = magic == IMAGES_MAGIC ? " (it is an images file)"
                : magic == LABELS_MAGIC ? " (it is a labels file)" : "";
        throw new BottleneckException(name + " starts with magic number " + found + hint + " (expected "
                + String.format("0x%08X", expected) + ", " + meaning + ", for " + kind + ")");
    }

    /**
     * Reads a big-endian header of {@code bytes / 4} unsigned 32-bit words, checking the magic
     * number first so that a wrong kind of file is named as such even when it is short.
     */
    private static int[] readHeader(InputStream in, String name, int bytes, int magic, String kind, String meaning)
            throws IOException {
        byte[] raw = new byte[bytes];
        int got = readFully(in, raw);
        if (got >= 4) {
            checkMagic(((raw[0] & 0xff) << 24) | ((raw[1] & 0xff) << 16) | ((raw[2] & 0xff) << 8) | (raw[3] & 0xff),
                    magic, name, kind, meaning);
        }
        if (got < bytes) {
            throw new BottleneckException("file " + name + " is truncated: expected a " + bytes
                    + "-byte IDX header, found " + got + (got == 1 ? " byte" : " bytes"));
        }
        int[] words = new int[bytes / 4];
        for (int i = 0; i < words.length; i++) {
            words[i] = ((raw[4 * i] & 0xff) << 24) | ((raw[4 * i + 1] & 0xff) << 16)
                    | ((raw[4 * i + 2] & 0xff) << 8) | (raw[4 * i + 3] & 0xff);
        }
        return words;
    }

    /**
     * Fills {@code dst} as far as the stream allows and returns how many bytes were read; a
     * gzip stream that ends mid-member counts as the end of the data, so truncation is reported
     * with the byte counts instead of a bare {@code EOFException}.
     */
    static int readFully(InputStream in, byte[] dst) throws IOException {
        int total = 0;
        try {
            while (total < dst.length) {
                int n = in.read(dst, total, dst.length - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (java.io.EOFException e) {
            // GZIPInputStream: "Unexpected end of ZLIB input stream" – the file was cut short.
        }
        return total;
    }

    private static String u32(int v) {
        return Long.toString(v & 0xffffffffL);
    }
}
