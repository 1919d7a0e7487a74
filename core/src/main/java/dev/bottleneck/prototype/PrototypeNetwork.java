package dev.bottleneck.prototype;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Provenance;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.nn.ParameterNames;
import dev.bottleneck.nn.TorchDefaultInitializer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The prototype network of Li, Liu, Chen & Rudin, "Deep Learning for Case-Based Reasoning through
 * Prototypes" (AAAI 2018): an autoencoder whose code feeds a prototype layer — m learned points
 * in code space, outputting the squared distance of the code to each — and a linear layer plus
 * softmax on those distances. Because the prototypes live in the autoencoder's code space, the
 * decoder turns each into a picture, and a prediction is explained by which prototypes the input
 * is near ("this looks like that").
 *
 * <p>Inputs are flat rows in the data's units; the fitted scaler is applied on the way in. The
 * network's tensors are named {@code encoder.*}, {@code decoder.*} (PyTorch {@code nn.Sequential}
 * indices), {@code prototypes} (m × code) and {@code classifier.weight} (classes × m).
 * Inference methods may be called from several threads.
 */
public final class PrototypeNetwork implements AutoCloseable {
    private static final int INFERENCE_BATCH = 2048;

    private final NDManager manager;
    private final SequentialBlock encoder;
    private final SequentialBlock decoder;
    private final PrototypeLayer layer;
    private final ParameterStore store;
    private final Map<String, Parameter> parameters;
    private final Map<String, Integer> classIndex;
    private volatile PrototypeConfig config;
    private volatile Scaler scaler;

    private PrototypeNetwork(PrototypeConfig config, Device device, long seed) {
        this.config = config;
        CoderSpec arch = config.architecture();
        this.manager = Engines.newManager(device);
        this.encoder = arch.newEncoder();
        this.decoder = arch.newDecoder();
        this.layer = new PrototypeLayer(config.prototypes(), arch.codeWidth(), config.classes().size());
        Engines.seed(seed); // same seed, same initial weights
        TorchDefaultInitializer init = new TorchDefaultInitializer();
        encoder.setInitializer(init, Parameter.Type.WEIGHT);
        decoder.setInitializer(init, Parameter.Type.WEIGHT);
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(arch.exampleShape()));
        decoder.initialize(manager, DataType.FLOAT32, new Shape(1, arch.codeWidth()));
        layer.initialize(manager, DataType.FLOAT32, new Shape(1, arch.codeWidth()));
        Map<String, Parameter> params = new LinkedHashMap<>(ParameterNames.of("encoder", encoder));
        params.put("prototypes", layer.prototypes);
        params.put("classifier.weight", layer.classifier);
        params.putAll(ParameterNames.of("decoder", decoder));
        TorchDefaultInitializer.initializeBiases(params);
        this.parameters = Collections.unmodifiableMap(params);
        this.store = new ParameterStore(manager, false);
        this.scaler = config.scaler() == null ? null : Scaler.fromJson(config.scaler());
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < config.classes().size(); i++) {
            idx.put(config.classes().get(i), i);
        }
        this.classIndex = Map.copyOf(idx);
    }

    /** Rebuilds a network (fresh weights) from its configuration; {@link PrototypeFiles} then loads weights. */
    public static PrototypeNetwork fromConfig(PrototypeConfig config, Device device, long seed) {
        validate(config);
        return new PrototypeNetwork(config, device, seed);
    }

    private static void validate(PrototypeConfig c) {
        if (c.architecture() == null) {
            throw new BottleneckException("a prototype network needs an architecture (a ConvCoderSpec or DenseCoderSpec)");
        }
        c.architecture().validate();
        if (c.prototypes() < 1) {
            throw new BottleneckException("the number of prototypes must be a positive whole number, got " + c.prototypes());
        }
        if (c.classes() == null || c.classes().size() < 2) {
            throw new BottleneckException("a prototype network needs at least 2 classes, got "
                    + (c.classes() == null ? "none" : c.classes().size() + " " + c.classes()));
        }
        if (new TreeSet<>(c.classes()).size() != c.classes().size()) {
            throw new BottleneckException("the class labels must be distinct, got " + c.classes());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads a model directory written by {@link #save}. */
    public static PrototypeNetwork load(Path dir, Device device) {
        return PrototypeFiles.load(dir, device);
    }

    /** Loads a model directory on the CPU. */
    public static PrototypeNetwork load(Path dir) {
        return PrototypeFiles.load(dir, Device.cpu());
    }

    /** Writes the model directory atomically (refusing an existing one unless {@code overwrite}). */
    public void save(Path dir, boolean overwrite) {
        PrototypeFiles.save(this, dir, overwrite, null);
    }

    public PrototypeConfig config() {
        return config;
    }

    void setConfig(PrototypeConfig c) {
        this.config = c;
    }

    /** The class labels, in the order of probabilities and of the classifier's rows. */
    public List<String> classes() {
        return config.classes();
    }

    public int prototypeCount() {
        return config.prototypes();
    }

    public int inputWidth() {
        return config.architecture().inputWidth();
    }

    public NDManager manager() {
        return manager;
    }

    /** Every tensor by its saved name. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    public Scaler scaler() {
        return scaler;
    }

    /** Set by the trainer: the scaler fitted on the training rows, and the column names. */
    public void setScaler(Scaler fitted, Table data) {
        this.scaler = fitted;
        this.config = config.withScaler(fitted.toJson(), data.columns(), data.labelColumn().orElse(null));
    }

    /** Set by the trainer when a run ends. */
    void setTrainingRecord(PrototypeTraining training, Provenance provenance) {
        this.config = config.withTraining(training, provenance);
    }

    // ---------------------------------------------------------------- engine-level API

    /**
     * One forward pass over scaled rows x (N × d).
     *
     * @param code N × code width
     * @param reconstruction N × d, scaled units
     * @param distances N × m squared distances from each code to each prototype
     * @param logits N × classes
     */
    public record Forward(NDArray code, NDArray reconstruction, NDArray distances, NDArray logits) {}

    public Forward forward(NDArray x, boolean training) {
        long n = x.getShape().get(0);
        NDArray in = x.reshape(new Shape(n).addAll(config.architecture().exampleShape()));
        NDArray code = encoder.forward(store, new NDList(in), training).singletonOrThrow();
        NDArray xHat = decode(code, training);
        NDArray p = store.getValue(layer.prototypes, x.getDevice(), training);
        NDArray w = store.getValue(layer.classifier, x.getDevice(), training);
        NDArray d = PrototypeLosses.squaredDistances(code, p);
        NDArray logits = d.matMul(w.transpose());
        return new Forward(code, xHat, d, logits);
    }

    /** Reconstructions (N × d, scaled units) of codes z (N × code width). */
    public NDArray decode(NDArray z, boolean training) {
        NDArray out = decoder.forward(store, new NDList(z), training).singletonOrThrow();
        return out.reshape(z.getShape().get(0), inputWidth());
    }

    /**
     * The weighted loss and its four terms (unweighted), for class indices {@code labels} (N, int).
     *
     * @param total λ_class·CE + λ_ae·reconstruction + λ₁·R1 + λ₂·R2
     */
    public record Losses(NDArray total, NDArray classification, NDArray reconstruction, NDArray r1, NDArray r2) {}

    public static Losses losses(Forward f, NDArray x, NDArray labels, LossWeights w) {
        NDArray ce = PrototypeLosses.crossEntropy(f.logits(), labels);
        NDArray rec = PrototypeLosses.reconstruction(x, f.reconstruction());
        NDArray r1 = PrototypeLosses.r1(f.distances());
        NDArray r2 = PrototypeLosses.r2(f.distances());
        NDArray total = ce.mul((float) w.classification()).add(rec.mul((float) w.reconstruction()))
                .add(r1.mul((float) w.r1())).add(r2.mul((float) w.r2()));
        return new Losses(total, ce, rec, r1, r2);
    }

    // ---------------------------------------------------------------- table-level API

    /** Scaled rows of {@code table}, checked against the model. */
    public float[] prepare(Table table) {
        if (table.cols() != inputWidth()) {
            throw new BottleneckException(table.source() + " has " + table.cols()
                    + " feature columns but the prototype network expects " + inputWidth());
        }
        if (scaler == null) {
            throw new BottleneckException("the prototype network has not been trained yet (it has no fitted scaler)");
        }
        return scaler.transform(table.values(), table.cols());
    }

    /** The class index of every row's label; one sentence if a row has none or an unknown one. */
    public int[] labelIndices(Table table) {
        if (!table.hasLabels()) {
            throw new BottleneckException(table.source() + " has no labels (a prototype network needs a label for "
                    + "every row: pass --label COLUMN for a CSV, or keep the IDX labels file beside the images)");
        }
        int[] out = new int[table.rows()];
        for (int r = 0; r < out.length; r++) {
            Integer i = classIndex.get(table.label(r));
            if (i == null) {
                throw new BottleneckException(table.source() + ", row " + (r + 1) + ": label \"" + table.label(r)
                        + "\" is not one of the model's classes " + config.classes());
            }
            out[r] = i;
        }
        return out;
    }

    /** The sorted distinct labels of a table (numerically when they are all whole numbers). */
    public static List<String> classesOf(Table table) {
        if (!table.hasLabels()) {
            throw new BottleneckException(table.source() + " has no labels (a prototype network is a classifier: pass "
                    + "--label COLUMN for a CSV, or keep the IDX labels file beside the images)");
        }
        TreeSet<String> set = new TreeSet<>(table.labels());
        boolean numeric = set.stream().allMatch(s -> s.matches("-?\\d{1,9}"));
        List<String> out = new ArrayList<>(set);
        if (numeric) {
            out.sort((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        }
        return out;
    }

    /** Predictions for every row of {@code table}. */
    public List<Prediction> predict(Table table) {
        float[] rows = prepare(table);
        int n = table.rows();
        int m = prototypeCount();
        int c = classes().size();
        List<Prediction> out = new ArrayList<>(n);
        forEachBatch(rows, n, (x, from, count) -> {
            Forward f = forward(x, false);
            float[] prob = f.logits().softmax(1).toFloatArray();
            float[] dist = f.distances().toFloatArray();
            for (int i = 0; i < count; i++) {
                float[] pi = java.util.Arrays.copyOfRange(prob, i * c, (i + 1) * c);
                out.add(new Prediction(classes().get(argmax(pi)), pi, java.util.Arrays.copyOfRange(dist, i * m, (i + 1) * m)));
            }
        });
        return out;
    }

    /** Accuracy, cross-entropy and reconstruction error on a labelled table. */
    public Evaluation evaluate(Table table) {
        int[] labels = labelIndices(table);
        return evaluateScaled(prepare(table), labels, table.rows());
    }

    Evaluation evaluateScaled(float[] rows, int[] labels, int n) {
        double[] sums = new double[3];
        forEachBatch(rows, n, (x, from, count) -> {
            Forward f = forward(x, false);
            NDArray y = x.getManager().create(java.util.Arrays.copyOfRange(labels, from, from + count));
            NDArray pred = f.logits().argMax(1).toType(DataType.INT32, false);
            sums[0] += pred.eq(y).sum().getLong();
            sums[1] += PrototypeLosses.crossEntropy(f.logits(), y).getFloat() * count;
            sums[2] += PrototypeLosses.reconstruction(x, f.reconstruction()).getFloat() * count;
        });
        return new Evaluation(n, sums[0] / n, sums[1] / n, sums[2] / n);
    }

    /** Reconstructions of every row, in the data's units. */
    public float[][] reconstruct(Table table) {
        float[] rows = prepare(table);
        int d = inputWidth();
        float[][] out = new float[table.rows()][];
        forEachBatch(rows, table.rows(), (x, from, count) -> {
            float[] r = forward(x, false).reconstruction().toFloatArray();
            for (int i = 0; i < count; i++) {
                out[from + i] = scaler.inverseTransform(java.util.Arrays.copyOfRange(r, i * d, (i + 1) * d), d);
            }
        });
        return out;
    }

    /** Every prototype decoded to input space, in the data's units: m × d. */
    public float[][] decodedPrototypes() {
        Engines.inferenceMode();
        int d = inputWidth();
        float[][] out = new float[prototypeCount()][];
        try (NDManager sub = manager.newSubManager(); NDScope scope = new NDScope()) {
            float[] p = layer.prototypes.getArray().toFloatArray();
            NDArray z = sub.create(p, new Shape(prototypeCount(), config.architecture().codeWidth()));
            float[] r = decode(z, false).toFloatArray();
            for (int j = 0; j < out.length; j++) {
                float[] row = java.util.Arrays.copyOfRange(r, j * d, (j + 1) * d);
                out[j] = scaler == null ? row : scaler.inverseTransform(row, d);
            }
            scope.suppressNotUsedWarning();
        }
        return out;
    }

    /** The classifier's weights as m prototypes × classes (the transpose of the stored tensor). */
    public float[][] classWeights() {
        float[] w = layer.classifier.getArray().toFloatArray();
        int c = classes().size();
        int m = prototypeCount();
        float[][] out = new float[m][c];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < m; j++) {
                out[j][k] = w[k * m + j];
            }
        }
        return out;
    }

    /** Why the network classifies {@code row} (raw units) as it does: the "this looks like that" explanation. */
    public Explanation explain(float[] row) {
        if (row.length != inputWidth()) {
            throw new BottleneckException("the row to explain has " + row.length + " values but the prototype network expects "
                    + inputWidth());
        }
        List<String> columns = config.inputColumns() != null ? config.inputColumns()
                : java.util.stream.IntStream.range(0, row.length).mapToObj(i -> "x" + i).toList();
        Table one = new Table(row, 1, row.length, columns, null, null, config.architecture().imageShape(),
                "the row to explain");
        Prediction p = predict(one).get(0);
        return new Explanation(row, reconstruct(one)[0], p, decodedPrototypes(), classWeights(), classes(),
                config.architecture().imageShape());
    }

    @FunctionalInterface
    interface BatchFn {
        void accept(NDArray x, int from, int count);
    }

    /** Runs {@code fn} over scaled rows in batches, in inference mode, freeing native memory per batch. */
    void forEachBatch(float[] rows, int n, BatchFn fn) {
        Engines.inferenceMode();
        int d = inputWidth();
        for (int start = 0; start < n; start += INFERENCE_BATCH) {
            int count = Math.min(INFERENCE_BATCH, n - start);
            float[] chunk = java.util.Arrays.copyOfRange(rows, start * d, (start + count) * d);
            // the scope also frees arrays that engine ops attach to the parameters' manager
            try (NDManager sub = manager.newSubManager(); NDScope scope = new NDScope()) {
                fn.accept(sub.create(chunk, new Shape(count, d)), start, count);
                scope.suppressNotUsedWarning();
            }
        }
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Builds an untrained prototype network: {@code set*} required, {@code opt*} optional, checked at {@link #build()}. */
    public static final class Builder {
        private CoderSpec architecture;
        private List<String> classes;
        private int prototypes = 15;
        private ScalerKind scalerKind;
        private Device device = Device.cpu();
        private long seed = 0;

        public Builder setArchitecture(CoderSpec a) { architecture = a; return this; }
        public Builder setClasses(List<String> c) { classes = c; return this; }
        public Builder optPrototypes(int m) { prototypes = m; return this; }
        public Builder optScaler(ScalerKind k) { scalerKind = k; return this; }
        public Builder optDevice(Device d) { device = d; return this; }
        public Builder optSeed(long s) { seed = s; return this; }

        /**
         * The paper's network for a labelled table: the convolutional autoencoder for images of at
         * least 16×16, a dense one (hidden widths as the autoencoders' defaults, a code of {@code
         * latent}) otherwise, with {@code hidden} activations; the classes are the table's labels.
         */
        public Builder forData(Table table, int latent, Activation hidden) {
            int[] img = table.imageShape().orElse(null);
            if (img != null && img[1] >= 16 && img[2] >= 16) {
                architecture = ConvCoderSpec.paper(img[0], img[1], img[2], hidden);
            } else {
                architecture = new DenseCoderSpec(new dev.bottleneck.model.DenseSpec(table.cols(),
                        dev.bottleneck.model.DenseSpec.defaultHidden(table.cols(), latent), latent, hidden, false, 0,
                        Activation.NONE));
            }
            classes = classesOf(table);
            return this;
        }

        public PrototypeNetwork build() {
            if (architecture == null) {
                throw new BottleneckException("an architecture must be set (setArchitecture: a ConvCoderSpec or DenseCoderSpec)");
            }
            if (classes == null) {
                throw new BottleneckException("the classes must be set (setClasses, or forData to take them from the labels)");
            }
            ScalerKind kind = scalerKind != null ? scalerKind
                    : architecture instanceof ConvCoderSpec ? ScalerKind.NONE : ScalerKind.STANDARD;
            PrototypeConfig c = new PrototypeConfig(PrototypeConfig.FORMAT_VERSION, Version.get(), PrototypeConfig.FAMILY,
                    architecture, prototypes, classes, kind.id(), null, null, null, null, null, null, null);
            return fromConfig(c, device, seed);
        }
    }
}
