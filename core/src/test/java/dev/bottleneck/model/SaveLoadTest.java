package dev.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model directory: exact round trip, what config.json promises, the safetensors layout, atomicity. */
class SaveLoadTest {
    @TempDir
    Path tmp;

    /** Batch-norm and dropout too, so running statistics must travel and inference must ignore dropout. */
    static Autoencoder trained(long seed) {
        Autoencoder m = Autoencoder.builder()
                .setArchitecture(new DenseSpec(30, List.of(16, 8), 3, Activation.RELU, true, 0.1, Activation.NONE))
                .optSeed(seed)
                .build();
        Trainer.builder().setConfig(TrainingConfig.builder().optEpochs(2).optBatchSize(64).optSeed(seed).build())
                .build().fit(m, Fixtures.wdbc());
        return m;
    }

    static void assertSameOutputs(Autoencoder a, Autoencoder b, Table data) {
        assertArrayEquals(a.score(data), b.score(data), 0.0);
        float[][] ea = a.encode(data);
        float[][] eb = b.encode(data);
        float[][] ra = a.reconstruct(data);
        float[][] rb = b.reconstruct(data);
        for (int i = 0; i < data.rows(); i++) {
            assertArrayEquals(ea[i], eb[i], 0f);
            assertArrayEquals(ra[i], rb[i], 0f);
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The safetensors header, read with plain Java: u64 little-endian length, then that many bytes of JSON. */
    static JsonNode safetensorsHeader(byte[] file) throws IOException {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertTrue(n > 0 && 8 + n <= file.length, "header length " + n + " of a " + file.length + "-byte file");
        String json = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        return new ObjectMapper().readTree(json);
    }

    @Test
    void roundTripIsExact() {
        Table data = Fixtures.wdbc();
        Path dir = tmp.resolve("model");
        try (Autoencoder m = trained(3)) {
            m.save(dir, false);
            try (Autoencoder back = Autoencoder.load(dir)) {
                assertSameOutputs(m, back, data);
                assertTrue(Fixtures.sameBits(Fixtures.weights(m), Fixtures.weights(back)));
                assertTrue(back.parameters().containsKey("encoder.1.running_mean"), "batch-norm statistics are saved");
                assertEquals(m.config(), back.config());
            }
        }
    }

    @Test
    void convRoundTripIsExact() {
        Table images = Fixtures.fashion(16);
        Path dir = tmp.resolve("conv");
        try (Autoencoder m = Autoencoder.builder().setArchitecture(Fixtures.conv(6)).optSeed(2).build()) {
            m.setScaler(Scaler.fit(ScalerKind.NONE, images), images);
            m.save(dir, false);
            try (Autoencoder back = Autoencoder.load(dir)) {
                assertSameOutputs(m, back, images);
                assertEquals("conv", back.config().family());
            }
        }
    }

    @Test
    void configJsonSaysWhatAndWhereFrom() throws Exception {
        Path dir = tmp.resolve("model");
        try (Autoencoder m = trained(4)) {
            m.save(dir, false);
        }
        JsonNode c = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals(ModelConfig.FORMAT_VERSION, c.get("format_version").asInt());
        assertEquals(Version.get(), c.get("library_version").asText());
        assertFalse(c.get("library_version").asText().isBlank());
        assertEquals("dense", c.get("family").asText());
        assertEquals("dense", c.get("architecture").get("type").asText());
        assertEquals("identity", c.get("bottleneck").get("type").asText());
        JsonNode scaler = c.get("scaler");
        assertTrue(scaler != null && scaler.isObject() && scaler.size() > 0, "the fitted scaler is stored");
        assertEquals(30, c.get("input_columns").size());

        JsonNode prov = c.get("provenance");
        byte[] data = Files.readAllBytes(Fixtures.wdbcPath());
        assertEquals(sha256(data), prov.get("data_sha256").asText());
        assertEquals(4, prov.get("seed").asLong());
        assertEquals(2, prov.get("epochs").asInt());
        assertEquals(4, c.get("training").get("seed").asLong());

        byte[] weights = Files.readAllBytes(dir.resolve("model.safetensors"));
        assertEquals(sha256(weights), c.get("weights_sha256").asText());

        // the tensors listed in config.json are exactly those in the safetensors header, same shapes
        JsonNode header = safetensorsHeader(weights);
        JsonNode tensors = c.get("tensors");
        Set<String> inConfig = new LinkedHashSet<>();
        tensors.fieldNames().forEachRemaining(inConfig::add);
        Set<String> inFile = new LinkedHashSet<>();
        header.fieldNames().forEachRemaining(inFile::add);
        inFile.remove("__metadata__");
        assertEquals(inConfig, inFile);
        assertTrue(inConfig.contains("encoder.0.weight") && inConfig.contains("decoder.4.bias"), inConfig.toString());
        assertEquals(List.of(16L, 30L), shape(tensors.get("encoder.0.weight")));
        long headerLength = ByteBuffer.wrap(weights, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long end = 0;
        for (String name : inConfig) {
            JsonNode t = header.get(name);
            List<Long> s = shape(t.get("shape"));
            assertEquals(shape(tensors.get(name)), s, name);
            assertEquals("F32", t.get("dtype").asText(), name);
            long count = 1;
            for (long d : s) {
                count *= d;
            }
            long from = t.get("data_offsets").get(0).asLong();
            long to = t.get("data_offsets").get(1).asLong();
            assertEquals(4 * count, to - from, name + " byte range");
            end = Math.max(end, to);
        }
        assertEquals(weights.length, 8 + headerLength + end, "the data ends where the last tensor ends");
    }

    static List<Long> shape(JsonNode array) {
        List<Long> out = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            out.add(it.next().asLong());
        }
        return out;
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void noTemporaryFilesAreLeft() throws IOException {
        Path dir = tmp.resolve("model");
        try (Autoencoder m = trained(5)) {
            m.save(dir, false);
            m.save(dir, true);
        }
        assertEquals(List.of("config.json", "model.safetensors"), names(dir));
        assertEquals(List.of("model"), names(tmp), "no .tmp-/.old- siblings beside the model either");
    }

    @Test
    void existingDirectoryNeedsOverwrite() throws Exception {
        Table data = Fixtures.wdbc();
        Path dir = tmp.resolve("model");
        try (Autoencoder a = trained(6); Autoencoder b = trained(7)) {
            a.save(dir, false);
            String shaA = new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("weights_sha256").asText();
            BottleneckException e = assertThrows(BottleneckException.class, () -> b.save(dir, false));
            assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
            try (Autoencoder still = Autoencoder.load(dir)) {
                assertArrayEquals(a.score(data), still.score(data), 0.0, "the refused save changed nothing");
            }
            Files.writeString(dir.resolve("stale.txt"), "from an older run");
            b.save(dir, true);
            String shaB = new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("weights_sha256").asText();
            assertNotEquals(shaA, shaB);
            assertEquals(List.of("config.json", "model.safetensors"), names(dir), "the directory is replaced as a whole");
            try (Autoencoder back = Autoencoder.load(dir)) {
                assertArrayEquals(b.score(data), back.score(data), 0.0);
            }
        }
    }

    @Test
    void aFileInTheWayIsRefused() throws IOException {
        Path file = tmp.resolve("model");
        Files.writeString(file, "not a directory");
        try (Autoencoder m = trained(8)) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> m.save(file, true));
            assertTrue(e.getMessage().contains("is a file"), e.getMessage());
        }
        assertEquals("not a directory", Files.readString(file));
    }
}
