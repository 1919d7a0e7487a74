package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSourcesTest {
    @TempDir
    Path dir;

    @Test
    void idxImagesPairWithTheirLabelsFile() {
        Path images = TestData.datasets().resolve("fashion-mnist-2k/train-images-idx3-ubyte.gz");
        Table t = DataSources.load(images, null, null);
        assertEquals(2000, t.rows());
        assertEquals(784, t.cols());
        assertTrue(t.hasLabels());
        assertTrue(t.imageShape().isPresent());
    }

    @Test
    void idxWithoutLabelsFile() {
        Path src = TestData.datasets().resolve("fashion-mnist-2k/t10k-images-idx3-ubyte.gz");
        Table some = IdxReader.readImages(src, null, 3);
        Path alone = dir.resolve("alone.idx");
        IdxWriter.write(some, alone, null);
        Table t = DataSources.load(alone, null, ImputePolicy.REJECT);
        assertEquals(3, t.rows());
        assertFalse(t.hasLabels());
        Path lonely = dir.resolve("lonely-images-idx3-ubyte.gz");
        IdxWriter.write(some, lonely, null);
        BottleneckException e = assertThrows(BottleneckException.class, () -> DataSources.load(lonely, "label", null));
        assertTrue(e.getMessage().contains("lonely-labels-idx1-ubyte.gz"), e.getMessage());
    }

    @Test
    void labelsFileGivenAsDataIsExplained() {
        Path labels = TestData.datasets().resolve("fashion-mnist-2k/train-labels-idx1-ubyte.gz");
        BottleneckException e = assertThrows(BottleneckException.class, () -> DataSources.load(labels, null, null));
        assertTrue(e.getMessage().contains("is an IDX labels file"), e.getMessage());
    }

    @Test
    void everythingElseIsCsv() throws IOException {
        Table t = DataSources.load(TestData.datasets().resolve("wdbc/wdbc.csv.gz"), "label", ImputePolicy.REJECT);
        assertEquals(30, t.cols());
        Path p = dir.resolve("holes.txt");
        Files.writeString(p, "a,b\n1,\n");
        assertThrows(BottleneckException.class, () -> DataSources.load(p, null, null));
        assertTrue(Float.isNaN(DataSources.load(p, null, ImputePolicy.MEAN).get(0, 1)));
    }

    @Test
    void namePatterns() {
        assertTrue(DataSources.isIdxImages(Path.of("train-images-idx3-ubyte.gz")));
        assertTrue(DataSources.isIdxImages(Path.of("train-images.idx3-ubyte")));
        assertTrue(DataSources.isIdxImages(Path.of("x.idx")));
        assertFalse(DataSources.isIdxImages(Path.of("x.csv.gz")));
        assertEquals(Path.of("d/train-labels-idx1-ubyte.gz"),
                DataSources.labelsBeside(Path.of("d/train-images-idx3-ubyte.gz")));
        assertEquals(Path.of("train-labels.idx1-ubyte"), DataSources.labelsBeside(Path.of("train-images.idx3-ubyte")));
    }
}
