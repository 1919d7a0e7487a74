package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static final Path FASHION = TestData.datasets().resolve("fashion-mnist-2k");

    @Test
    void readsShippedFashionMnistSubset() throws IOException {
        Path images = FASHION.resolve("train-images-idx3-ubyte.gz");
        Table t = IdxReader.readImages(images, FASHION.resolve("train-labels-idx1-ubyte.gz"), 0);
        assertEquals(2000, t.rows());
        assertEquals(784, t.cols());
        assertArrayEquals(new int[] {1, 28, 28}, t.imageShape().orElseThrow());
        assertEquals("p0", t.columns().get(0));
        assertEquals("p783", t.columns().get(783));
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : t.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        assertTrue(t.labels().stream().allMatch(l -> l.matches("[0-9]")));
        assertEquals(10, t.labels().stream().distinct().count());

        // Independent cross-check against the raw bytes: 16-byte header, then pixels.
        byte[] raw = TestData.gunzip(images);
        assertEquals(0x00000803, java.nio.ByteBuffer.wrap(raw, 0, 4).getInt());
        assertEquals(2000, java.nio.ByteBuffer.wrap(raw, 4, 4).getInt());
        int image = 1234;
        int pixel = 14 * 28 + 14; // centre pixel
        int b = raw[16 + image * 784 + pixel] & 0xff;
        assertTrue(b > 0, "the centre pixel of image 1234 should be part of the garment");
        assertEquals(b / 255f, t.get(image, pixel));
        byte[] labels = TestData.gunzip(FASHION.resolve("train-labels-idx1-ubyte.gz"));
        assertEquals(Integer.toString(labels[8 + image]), t.label(image));
        // Fashion-MNIST's first training image is an ankle boot (class 9).
        assertEquals("9", t.label(0));
    }

    @Test
    void readsTestSplitAndHonoursLimit() {
        Table t = IdxReader.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"),
                FASHION.resolve("t10k-labels-idx1-ubyte.gz"), 0);
        assertEquals(1000, t.rows());
        Table first = IdxReader.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"),
                FASHION.resolve("t10k-labels-idx1-ubyte.gz"), 10);
        assertEquals(10, first.rows());
        assertArrayEquals(t.row(9), first.row(9));
        assertEquals(t.labels().subList(0, 10), first.labels());
        Table unlabelled = IdxReader.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"), null, 5);
        assertFalse(unlabelled.hasLabels());
    }

    @Test
    void writerRoundTripsThroughReader() {
        Table src = IdxReader.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"),
                FASHION.resolve("t10k-labels-idx1-ubyte.gz"), 50);
        Path img = dir.resolve("x-images-idx3-ubyte.gz");
        Path lab = dir.resolve("x-labels-idx1-ubyte.gz");
        IdxWriter.write(src, img, lab);
        Table back = IdxReader.readImages(img, lab, 0);
        assertArrayEquals(src.values(), back.values());
        assertEquals(src.labels(), back.labels());
        // Uncompressed too.
        Path plain = dir.resolve("y-images-idx3-ubyte");
        IdxWriter.write(src, plain, null);
        assertArrayEquals(src.values(), IdxReader.readImages(plain, null, 0).values());
    }

    @Test
    void truncatedPixelDataSaysHowMuch() throws IOException {
        byte[] pixels = new byte[3 * 4 * 4];
        Path full = dir.resolve("full-images-idx3-ubyte");
        IdxWriter.writeImages(full, pixels, 3, 4, 4);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = dir.resolve("cut-images-idx3-ubyte");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        BottleneckException e = assertThrows(BottleneckException.class, () -> IdxReader.readImages(cut, null, 0));
        assertEquals("file " + cut + " is truncated: expected 48 bytes of pixel data, found 38", e.getMessage());
        // A limit within the data that is present reads fine.
        assertEquals(2, IdxReader.readImages(cut, null, 2).rows());
    }

    @Test
    void truncatedGzipIsReportedAsTruncated() throws IOException {
        Path gz = FASHION.resolve("t10k-images-idx3-ubyte.gz");
        byte[] all = Files.readAllBytes(gz);
        Path cut = dir.resolve("cut-images-idx3-ubyte.gz");
        Files.write(cut, Arrays.copyOf(all, all.length / 3));
        BottleneckException e = assertThrows(BottleneckException.class, () -> IdxReader.readImages(cut, null, 0));
        assertTrue(e.getMessage().contains("is truncated: expected 784000 bytes of pixel data, found "), e.getMessage());
    }

    @Test
    void truncatedHeader() throws IOException {
        Path p = dir.resolve("short-images-idx3-ubyte");
        Files.write(p, new byte[] {0, 0, 8, 3, 0, 0});
        BottleneckException e = assertThrows(BottleneckException.class, () -> IdxReader.readImages(p, null, 0));
        assertTrue(e.getMessage().contains("expected a 16-byte IDX header, found 6 bytes"), e.getMessage());
    }

    @Test
    void badMagicNumbers() throws IOException {
        Path labels = dir.resolve("l-labels-idx1-ubyte");
        IdxWriter.writeLabels(labels, new byte[] {1, 2});
        BottleneckException e = assertThrows(BottleneckException.class, () -> IdxReader.readImages(labels, null, 0));
        assertTrue(e.getMessage().contains("magic number 0x00000801 (it is a labels file)")
                && e.getMessage().contains("expected 0x00000803"), e.getMessage());

        Path csv = dir.resolve("text-images-idx3-ubyte");
        Files.writeString(csv, "a,b,c,d\n1,2,3,4\n5,6,7,8\n");
        e = assertThrows(BottleneckException.class, () -> IdxReader.readImages(csv, null, 0));
        assertTrue(e.getMessage().contains("starts with magic number 0x612C622C"), e.getMessage());

        Path images = dir.resolve("i-images-idx3-ubyte");
        IdxWriter.writeImages(images, new byte[8], 2, 2, 2);
        e = assertThrows(BottleneckException.class, () -> IdxReader.readImages(images, images, 0));
        assertTrue(e.getMessage().contains("(it is an images file)") && e.getMessage().contains("expected 0x00000801"),
                e.getMessage());
    }

    @Test
    void labelCountMismatch() throws IOException {
        Path images = dir.resolve("i-images-idx3-ubyte.gz");
        IdxWriter.writeImages(images, new byte[3 * 4], 3, 2, 2);
        Path labels = dir.resolve("i-labels-idx1-ubyte.gz");
        IdxWriter.writeLabels(labels, new byte[] {1, 2});
        BottleneckException e = assertThrows(BottleneckException.class, () -> IdxReader.readImages(images, labels, 0));
        assertTrue(e.getMessage().contains("holds 2 labels but its images file holds 3 images"), e.getMessage());
    }

    @Test
    void absurdDimensionsAreRejected() throws IOException {
        Path p = dir.resolve("huge-images-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 28});
        }
        BottleneckException e = assertThrows(BottleneckException.class, () -> IdxReader.readImages(p, null, 0));
        assertTrue(e.getMessage().contains("not a valid IDX images file"), e.getMessage());
    }

    @Test
    void missingFile() {
        BottleneckException e = assertThrows(BottleneckException.class,
                () -> IdxReader.readImages(dir.resolve("none-images-idx3-ubyte.gz"), null, 0));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
