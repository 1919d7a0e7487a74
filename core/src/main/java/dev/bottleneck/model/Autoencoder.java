package dev.bottleneck.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.bottleneck.Bottleneck;
import dev.bottleneck.bottleneck.BottleneckInput;
import dev.bottleneck.bottleneck.BottleneckOutput;
import dev.bottleneck.bottleneck.BottleneckSpec;
import dev.bottleneck.bottleneck.IdentitySpec;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.nn.ParameterNames;
import dev.bottleneck.nn.TorchDefaultInitializer;
import dev.bottleneck.objective.Objective;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An autoencoder: encoder → bottleneck → decoder, trained on an objective. Every family in
 * Bottleneck is this one class with a different {@link ArchitectureSpec} and {@link
 * BottleneckSpec}; tasks (scoring, clustering, …) use it only through {@link #encode}, {@link
 * #decode}, {@link #reconstruct}, {@link #forward} and {@link #score}.
 *
 * <p>Inputs are flat rows in the user's units; the model applies its fitted {@link Scaler} on
 * the way in (and its inverse on reconstructions) so a saved model scores raw data correctly.
 * Inference methods are safe to call from several threads at once.
 */
public final class Autoencoder implements AutoCloseable {
    /** Rows per engine call when encoding or scoring a table. */
    private static final int INFERENCE_BATCH = 4096;

    private final NDManager manager;
    private final SequentialBlock encoder;
    private final SequentialBlock decoder;
    private final Bottleneck bottleneck;
    private final ParameterStore store;
    private final Map<String, Parameter> parameters;
    private volatile ModelConfig config;
    private volatile Scaler scaler;

    private Autoencoder(ModelConfig config, Device device, long seed) {
        this.config = config;
        ArchitectureSpec arch = config.architecture();
        this.manager = Engines.newManager(device);
        this.bottleneck = config.bottleneck().create(arch.latent());
        this.encoder = arch.newEncoder(bottleneck.encoderOutputWidth(arch.latent()));
        this.decoder = arch.newDecoder(config.objective().outputsPerValue());
        // seeded so that the same seed gives the same initial weights
        Engines.seed(seed);
        TorchDefaultInitializer init = new TorchDefaultInitializer();
        encoder.setInitializer(init, Parameter.Type.WEIGHT);
        decoder.setInitializer(init, Parameter.Type.WEIGHT);
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(arch.exampleShape()));
        decoder.initialize(manager, DataType.FLOAT32, new Shape(1, arch.latent()));
        Block bb = bottleneck.block();
        if (bb != null) {
            bb.setInitializer(init, Parameter.Type.WEIGHT);
            bb.initialize(manager, DataType.FLOAT32, new Shape(1, arch.latent()));
        }
        Map<String, Parameter> params = new LinkedHashMap<>(ParameterNames.of("encoder", encoder));
        if (bb != null) {
            params.putAll(ParameterNames.of("bottleneck", bb));
        }
        params.putAll(ParameterNames.of("decoder", decoder));
        TorchDefaultInitializer.initializeBiases(params);
        this.parameters = Collections.unmodifiableMap(params);
        this.store = new ParameterStore(manager, false);
        this.scaler = config.scaler() == null ? null : Scaler.fromJson(config.scaler());
    }

    /** Rebuilds a model (fresh weights) from a configuration; {@link ModelFiles} then loads weights. */
    public static Autoencoder fromConfig(ModelConfig config, Device device, long seed) {
        config.architecture().validate();
        config.bottleneck().validate();
        config.corruption().validate();
        if (config.objective().outputsPerValue() > 1 && config.architecture().output() != dev.bottleneck.nn.Activation.NONE) {
            // the activation would squash the log-variances too
            throw new BottleneckException("objective " + config.objective().id() + " predicts a variance per value and needs"
                    + " the decoder output activation 'none', not '" + config.architecture().output().id() + "'");
        }
        return new Autoencoder(config, device, seed);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads a model directory written by {@link #save}, on the given device. */
    public static Autoencoder load(Path dir, Device device) {
        return ModelFiles.load(dir, device);
    }

    /** Loads a model directory on the CPU. */
    public static Autoencoder load(Path dir) {
        return ModelFiles.load(dir, Device.cpu());
    }

    /** Writes the model directory atomically (refusing an existing one unless {@code overwrite}). */
    public void save(Path dir, boolean overwrite) {
        ModelFiles.save(this, dir, overwrite, null);
    }

    public ModelConfig config() {
        return config;
    }

    public int inputWidth() {
        return config.architecture().inputWidth();
    }

    public int latent() {
        return config.architecture().latent();
    }

    public NDManager manager() {
        return manager;
    }

    public Bottleneck bottleneck() {
        return bottleneck;
    }

    /** Every tensor of the model by its PyTorch-style name (see the README's file format). */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** The fitted scaler, or {@code null} before training. */
    public Scaler scaler() {
        return scaler;
    }

    /** Set by the trainer: the scaler fitted on the training rows, and the column names. */
    public void setScaler(Scaler fitted, Table trainingData) {
        this.scaler = fitted;
        this.config =
                config.withScaler(fitted.toJson())
                        .withColumns(trainingData.columns(), trainingData.labelColumn().orElse(null));
    }

    /** Set by the trainer when a run ends: its settings and provenance. */
    public void setTrainingRecord(dev.bottleneck.train.TrainingConfig training, Provenance provenance) {
        this.config = config.withTraining(training, provenance);
    }

    /** Set by the file reader after loading weights. */
    void setConfig(ModelConfig c) {
        this.config = c;
    }

    // ---------------------------------------------------------------- engine-level API

    /** Encoder output for scaled rows x (N × d), before the bottleneck. */
    public NDArray encodeRaw(NDArray x, boolean training) {
        NDArray in = x.reshape(new Shape(x.getShape().get(0)).addAll(config.architecture().exampleShape()));
        return encoder.forward(store, new NDList(in), training).singletonOrThrow();
    }

    /** The code (the bottleneck's inference output: the mean for a VAE) for scaled rows. */
    public NDArray encode(NDArray x) {
        NDArray enc = encodeRaw(x, false);
        return bottleneck.apply(new BottleneckInput(x, enc, false, a -> encodeRaw(a, false))).code();
    }

    /** Reconstruction (N × d, scaled units) of codes z (N × latent). */
    public NDArray decode(NDArray z, boolean training) {
        return config.objective().mean(decodeOutput(z, training));
    }

    /**
     * The decoder's whole output for codes z, flat: N × d, or N × 2d (means, then log-variances)
     * when the objective predicts a variance too.
     */
    public NDArray decodeOutput(NDArray z, boolean training) {
        NDArray out = decoder.forward(store, new NDList(z), training).singletonOrThrow();
        return out.reshape(z.getShape().get(0), (long) inputWidth() * config.objective().outputsPerValue());
    }

    /**
     * One forward pass with the loss. In training the input is corrupted (denoising), the
     * bottleneck samples and adds its penalties, dropout is on; the objective always compares with
     * the clean input.
     */
    public Forward forward(NDArray x, boolean training) {
        NDArray in = training ? config.corruption().apply(x) : x;
        NDArray enc = encodeRaw(in, training);
        BottleneckOutput b =
                bottleneck.apply(new BottleneckInput(in, enc, training, a -> encodeRaw(a, training)));
        NDArray out = decodeOutput(b.code(), training);
        NDArray perRow = config.objective().perRow(x, out);
        NDArray loss = perRow.mean();
        NDArray total = loss;
        for (NDArray p : b.penalties().values()) {
            total = total.add(p);
        }
        return new Forward(b.code(), config.objective().mean(out), out, perRow, loss, b.penalties(), total);
    }

    /**
     * The result of {@link #forward}.
     *
     * @param code N × latent
     * @param reconstruction N × d in scaled units (the mean, for an objective with a variance)
     * @param decoderOutput the decoder's whole output (N × d, or N × 2d with log-variances)
     * @param perRow reconstruction loss of each row
     * @param reconstructionLoss its mean
     * @param penalties the bottleneck's weighted loss terms
     * @param total the loss to minimise
     */
    public record Forward(
            NDArray code,
            NDArray reconstruction,
            NDArray decoderOutput,
            NDArray perRow,
            NDArray reconstructionLoss,
            Map<String, NDArray> penalties,
            NDArray total) {}

    // ---------------------------------------------------------------- table-level API

    /** Scaled, validated rows of {@code table} as one row-major array. */
    public float[] prepare(Table table) {
        if (table.cols() != inputWidth()) {
            throw new BottleneckException(
                    describe(table)
                            + " has "
                            + table.cols()
                            + " feature columns but the model expects "
                            + inputWidth()
                            + (config.inputColumns() != null && !config.inputColumns().isEmpty()
                                    ? " (" + columnRange() + ")"
                                    : "")
                            + "; pass --label for a column that is not a feature");
        }
        if (scaler == null) {
            throw new BottleneckException("the model has not been trained yet (it has no fitted scaler)");
        }
        return scaler.transform(table.values(), table.cols());
    }

    private String columnRange() {
        var c = config.inputColumns();
        return c.size() <= 4 ? String.join(", ", c) : c.get(0) + " … " + c.get(c.size() - 1);
    }

    private static String describe(Table t) {
        return t.source() == null ? "the data" : t.source();
    }

    /** Codes of every row: rows × latent. */
    public float[][] encode(Table table) {
        return mapRows(prepare(table), table.rows(), latent(), x -> encode(x));
    }

    /** Reconstructions in the data's own units: rows × d. */
    public float[][] reconstruct(Table table) {
        float[][] scaled = mapRows(prepare(table), table.rows(), inputWidth(), x -> forward(x, false).reconstruction());
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = scaler.inverseTransform(scaled[i], inputWidth());
        }
        return scaled;
    }

    /** Reconstruction error of every row (the objective per row, in scaled units): higher = more unusual. */
    public double[] score(Table table) {
        return scoreRows(table, x -> forward(x, false).perRow());
    }

    /**
     * One number per row of {@code table}: {@code perRow} maps a batch of scaled rows to one value
     * per row (shape (batch) or (batch, 1)); batched and scoped as {@link #mapRows}.
     */
    public double[] scoreRows(Table table, java.util.function.UnaryOperator<NDArray> perRow) {
        float[][] s = mapRows(prepare(table), table.rows(), 1, x -> perRow.apply(x).reshape(-1, 1));
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i][0];
        }
        return out;
    }

    /** Applies {@code fn} to scaled rows in batches, in inference mode, freeing native memory per batch. */
    public float[][] mapRows(float[] scaled, int rows, int outWidth, java.util.function.UnaryOperator<NDArray> fn) {
        Engines.inferenceMode();
        int d = inputWidth();
        float[][] out = new float[rows][];
        for (int start = 0; start < rows; start += INFERENCE_BATCH) {
            int n = Math.min(INFERENCE_BATCH, rows - start);
            float[] chunk = new float[n * d];
            System.arraycopy(scaled, start * d, chunk, 0, n * d);
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = sub.create(chunk, new Shape(n, d));
                float[] r = fn.apply(x).toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(r, i * outWidth, (i + 1) * outWidth);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * Builds an untrained autoencoder, DJL style: {@code set*} for what is required, {@code opt*}
     * for the rest; everything is validated at {@link #build()}.
     */
    public static final class Builder {
        private ArchitectureSpec architecture;
        private BottleneckSpec bottleneck = new IdentitySpec();
        private CorruptionSpec corruption = CorruptionSpec.NONE;
        private Objective objective = Objective.MSE;
        private ScalerKind scalerKind;
        private String family;
        private Device device = Device.cpu();
        private long seed = 0;

        public Builder setArchitecture(ArchitectureSpec a) { architecture = a; return this; }
        public Builder optBottleneck(BottleneckSpec b) { bottleneck = b; return this; }
        public Builder optCorruption(CorruptionSpec c) { corruption = c; return this; }
        public Builder optObjective(Objective o) { objective = o; return this; }
        public Builder optScaler(ScalerKind k) { scalerKind = k; return this; }
        public Builder optFamily(String f) { family = f; return this; }
        public Builder optDevice(Device d) { device = d; return this; }
        public Builder optSeed(long s) { seed = s; return this; }

        public Autoencoder build() {
            if (architecture == null) {
                throw new BottleneckException("an architecture must be set (setArchitecture: a DenseSpec or ConvSpec)");
            }
            if (bottleneck == null || corruption == null || objective == null) {
                throw new BottleneckException("bottleneck, corruption and objective must not be null");
            }
            ScalerKind kind = scalerKind != null ? scalerKind
                    : architecture instanceof ConvSpec ? ScalerKind.NONE : ScalerKind.STANDARD;
            String fam = family != null ? family : defaultFamily();
            ModelConfig c = new ModelConfig(ModelConfig.FORMAT_VERSION, Version.get(), fam, architecture,
                    bottleneck, corruption, objective, kind.id(), null, null, null, null, null, null, null);
            return fromConfig(c, device, seed);
        }

        private String defaultFamily() {
            if (bottleneck instanceof dev.bottleneck.bottleneck.ContractiveSpec) {
                return "contractive";
            }
            if (bottleneck instanceof dev.bottleneck.bottleneck.GaussianSpec) {
                return "vae";
            }
            if (corruption.kind() != CorruptionSpec.Kind.NONE) {
                return "denoising";
            }
            return architecture instanceof ConvSpec ? "conv" : "dense";
        }
    }
}
