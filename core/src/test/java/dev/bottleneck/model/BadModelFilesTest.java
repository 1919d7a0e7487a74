package dev.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.ContractiveSpec;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.train.TrainingConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every way a model directory or a setting can be wrong ends in one BottleneckException sentence. */
class BadModelFilesTest {
    @TempDir
    Path tmp;

    Path dir;

    @BeforeEach
    void saveAGoodModel() {
        dir = tmp.resolve("model");
        Table data = Fixtures.firstRows(Fixtures.wdbc(), 50);
        try (Autoencoder m = Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(8), 3)).build()) {
            m.setScaler(Scaler.fit(ScalerKind.STANDARD, data), data);
            m.save(dir, false);
        }
    }

    static String fails(Executable e) {
        BottleneckException x = assertThrows(BottleneckException.class, e);
        String msg = x.getMessage();
        assertTrue(msg != null && !msg.isBlank() && !msg.contains("\n"), "one sentence: " + msg);
        return msg;
    }

    static void assertMentions(String msg, String... parts) {
        for (String p : parts) {
            assertTrue(msg.contains(p), "\"" + msg + "\" should mention \"" + p + "\"");
        }
    }

    Path weights() {
        return dir.resolve(ModelFiles.WEIGHTS);
    }

    Path config() {
        return dir.resolve(ModelFiles.CONFIG);
    }

    ObjectNode configTree() throws IOException {
        return (ObjectNode) new ObjectMapper().readTree(config().toFile());
    }

    void writeConfig(ObjectNode tree) throws IOException {
        Files.writeString(config(), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree));
    }

    @Test
    void goodModelLoads() {
        Autoencoder.load(dir).close();
    }

    @Test
    void truncatedWeightsAreCorrupt() throws IOException {
        byte[] b = Files.readAllBytes(weights());
        Files.write(weights(), Arrays.copyOf(b, b.length - 100));
        assertMentions(fails(() -> Autoencoder.load(dir)), "corrupt", ModelFiles.WEIGHTS);
    }

    @Test
    void flippedByteIsCorrupt() throws IOException {
        byte[] b = Files.readAllBytes(weights());
        b[b.length - 7] ^= 0x10; // inside the last tensor's data: the header still parses
        Files.write(weights(), b);
        assertMentions(fails(() -> Autoencoder.load(dir)), "corrupt");
    }

    @Test
    void truncatedWeightsWithoutChecksumStillFailCleanly() throws IOException {
        ObjectNode c = configTree();
        c.remove("weights_sha256");
        writeConfig(c);
        byte[] b = Files.readAllBytes(weights());
        Files.write(weights(), Arrays.copyOf(b, b.length / 2));
        assertMentions(fails(() -> Autoencoder.load(dir)), ModelFiles.WEIGHTS);
    }

    @Test
    void unknownFormatVersionIsNamed() throws IOException {
        ObjectNode c = configTree();
        c.put("format_version", 99);
        writeConfig(c);
        assertMentions(fails(() -> Autoencoder.load(dir)), "format_version 99", "1");
    }

    @Test
    void missingConfig() throws IOException {
        Files.delete(config());
        assertMentions(fails(() -> Autoencoder.load(dir)), "config.json");
    }

    @Test
    void missingWeights() throws IOException {
        Files.delete(weights());
        assertMentions(fails(() -> Autoencoder.load(dir)), ModelFiles.WEIGHTS);
    }

    @Test
    void notADirectory() throws IOException {
        Path file = tmp.resolve("model.txt");
        Files.writeString(file, "hello");
        assertMentions(fails(() -> Autoencoder.load(file)), "model.txt", "directory");
        assertMentions(fails(() -> Autoencoder.load(tmp.resolve("nowhere"))), "nowhere", "does not exist");
    }

    @Test
    void invalidJson() throws IOException {
        Files.writeString(config(), "{\"format_version\": 1, \"family\": ");
        assertMentions(fails(() -> Autoencoder.load(dir)), "config.json", "JSON");
        Files.writeString(config(), "[1, 2]");
        assertMentions(fails(() -> Autoencoder.load(dir)), "config.json");
    }

    @Test
    void unknownKeyOrBadValueInConfig() throws IOException {
        ObjectNode c = configTree();
        c.put("famly", "dense");
        writeConfig(c);
        assertMentions(fails(() -> Autoencoder.load(dir)), "config.json", "famly");
        c = configTree();
        c.remove("famly");
        ((ObjectNode) c.get("architecture")).put("latent", 0);
        writeConfig(c);
        assertMentions(fails(() -> Autoencoder.load(dir)), "latent size");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        ObjectNode c = configTree();
        c.remove("weights_sha256");
        writeConfig(c);
        try (Autoencoder m = Autoencoder.load(dir)) {
            Map<String, Parameter> some = new LinkedHashMap<>(m.parameters());
            some.remove("decoder.2.bias");
            Files.write(weights(), ModelFiles.weightsBytes(some));
        }
        assertMentions(fails(() -> Autoencoder.load(dir)), "decoder.2.bias");
    }

    @Test
    void tensorWithWrongShapeIsNamed() throws IOException {
        // the same tensor names from a model with a wider code: shapes no longer fit the config
        ObjectNode c = configTree();
        c.remove("weights_sha256");
        writeConfig(c);
        try (Autoencoder other = Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(8), 5)).build()) {
            Files.write(weights(), ModelFiles.weightsBytes(other.parameters()));
        }
        assertMentions(fails(() -> Autoencoder.load(dir)), "encoder.2.weight", "shape");
    }

    @Test
    void wrongTableWidthNamesBothWidths() {
        Table narrow = Table.of(new float[][] {new float[29], new float[29]});
        try (Autoencoder m = Autoencoder.load(dir)) {
            assertMentions(fails(() -> m.score(narrow)), "29", "30");
            assertMentions(fails(() -> m.encode(narrow)), "29", "30");
            assertMentions(fails(() -> m.reconstruct(narrow)), "29", "30");
        }
    }

    @Test
    void untrainedModelCannotScore() {
        try (Autoencoder m = Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(8), 3)).build()) {
            assertMentions(fails(() -> m.score(Fixtures.wdbc())), "not been trained");
        }
    }

    static String badArchitecture(DenseSpec spec) {
        return fails(() -> Autoencoder.builder().setArchitecture(spec).build());
    }

    @Test
    void badArchitectureSettingsAreNamed() {
        Activation r = Activation.RELU;
        Activation n = Activation.NONE;
        assertMentions(badArchitecture(new DenseSpec(30, List.of(8), 0, r, false, 0, n)), "latent size", "0");
        assertMentions(badArchitecture(new DenseSpec(30, List.of(8), -2, r, false, 0, n)), "latent size", "-2");
        assertMentions(badArchitecture(new DenseSpec(30, List.of(8, 0), 3, r, false, 0, n)), "hidden layer", "0");
        assertMentions(badArchitecture(new DenseSpec(30, List.of(8), 3, r, false, 1.5, n)), "dropout", "1.5");
        assertMentions(badArchitecture(new DenseSpec(0, List.of(8), 3, r, false, 0, n)), "input width");
        assertMentions(fails(() -> Autoencoder.builder()
                .setArchitecture(new ConvSpec(1, 28, 28, List.of(4), 3, 0, 3, r, false, n)).build()), "stride");
        assertMentions(fails(() -> Autoencoder.builder().build()), "architecture");
        assertMentions(fails(() -> Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(), 3))
                .optCorruption(CorruptionSpec.masking(1)).build()), "masking");
        assertMentions(fails(() -> Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(), 3))
                .optBottleneck(ContractiveSpec.of(-1)).build()), "contractive weight");
    }

    @Test
    void badTrainingSettingsAreNamed() {
        assertMentions(fails(() -> TrainingConfig.builder().optBatchSize(0).build()), "batch size", "0");
        assertMentions(fails(() -> TrainingConfig.builder().optEpochs(0).build()), "epochs", "0");
        assertMentions(fails(() -> TrainingConfig.builder().optValidationFraction(1).build()), "validation fraction");
        assertMentions(fails(() -> TrainingConfig.builder().optLearningRate(0).build()), "learning rate");
        assertMentions(fails(() -> TrainingConfig.builder().optPatience(2).optValidationFraction(0).build()),
                "patience", "validation");
    }
}
