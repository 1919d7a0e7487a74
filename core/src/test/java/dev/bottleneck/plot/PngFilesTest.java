package dev.bottleneck.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngFilesTest {

    @TempDir Path dir;

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesReadablePngAndLeavesNoTempFile() throws IOException {
        Path out = dir.resolve("a.png");
        PngFiles.writeAtomically(new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB), out);
        BufferedImage back = ImageIO.read(out.toFile());
        assertEquals(7, back.getWidth());
        assertEquals(5, back.getHeight());
        assertEquals(List.of("a.png"), names(dir));
    }

    @Test
    void replacesExistingFile() throws IOException {
        Path out = dir.resolve("a.png");
        Files.writeString(out, "not a png");
        PngFiles.writeAtomically(new BufferedImage(3, 4, BufferedImage.TYPE_INT_RGB), out);
        assertEquals(3, ImageIO.read(out.toFile()).getWidth());
        assertEquals(List.of("a.png"), names(dir));
    }

    @Test
    void createsMissingParentDirectories() throws IOException {
        Path out = dir.resolve("x/y/a.png");
        PngFiles.writeAtomically(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), out);
        assertTrue(Files.isRegularFile(out));
        assertEquals(List.of("a.png"), names(out.getParent()));
    }

    @Test
    void pngGetsOrdinaryNewFilePermissionsNotOwnerOnly() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path reference = Files.createFile(dir.resolve("reference"));
        Path out = dir.resolve("a.png");
        PngFiles.writeAtomically(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), out);
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(out));
    }

    @Test
    void headlessIsSet() {
        PngFiles.ensureHeadless();
        assertEquals("true", System.getProperty("java.awt.headless"));
    }
}
