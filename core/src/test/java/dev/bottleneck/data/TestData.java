package dev.bottleneck.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Finds the repository's shipped datasets and reads raw bytes independently of the readers under test. */
public final class TestData {
    private TestData() {
    }

    /** A file under the repository's {@code datasets/} folder, e.g. {@code wdbc/wdbc.csv.gz}. */
    public static Path dataset(String relative) {
        return datasets().resolve(relative);
    }

    /** The repository's {@code datasets/} folder, found by walking up from the working directory. */
    public static Path datasets() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("datasets");
            if (Files.isDirectory(candidate.resolve("wdbc"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("datasets/ not found above " + Path.of("").toAbsolutePath());
    }

    public static byte[] gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /** Counts non-empty lines of a gzip text file, the header included. */
    public static int countLines(Path gz) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            int n = 0;
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isEmpty()) {
                    n++;
                }
            }
            return n;
        }
    }
}
