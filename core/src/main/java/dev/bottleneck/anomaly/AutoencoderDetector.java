package dev.bottleneck.anomaly;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.BottleneckSpec;
import dev.bottleneck.bottleneck.GaussianSpec;
import dev.bottleneck.bottleneck.IdentitySpec;
import dev.bottleneck.bottleneck.MemorySpec;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ArchitectureSpec;
import dev.bottleneck.model.ConvSpec;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.objective.Objective;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingResult;
import dev.bottleneck.vae.VaeEvaluation;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Autoencoder detectors, all trained on standardised training rows and differing in bottleneck,
 * objective and score:
 * <ul>
 *   <li>{@code ae}, {@code memae}: a dense or memory-augmented autoencoder; the score is the mean
 *       squared reconstruction error in standardised units;
 *   <li>{@code vae}: a VAE with a Gaussian likelihood; the score is −E_q[log p(x|z)] (Monte-Carlo);
 *   <li>{@code pae}: a probabilistic autoencoder trained on the probabilistic reconstruction error;
 *       the score is the adjustable PRE against the mean-shifted row ({@link AdjustableScore}).
 * </ul>
 *
 * <p>Why all training rows and no validation split for most kinds: without labels there is nothing
 * to select on, and ADBench's unsupervised protocol trains on the whole (contaminated) training
 * part. The {@code pae} holds out a fifth of the training rows — still without their labels — to
 * choose its epoch by held-out likelihood, because a network that predicts its own variance can
 * keep lowering the training loss by shrinking σ² on rows it memorised.
 */
public final class AutoencoderDetector implements Detector {
    /**
     * Gradient-norm clip for every detector. Why: a detector trains unattended on whatever table
     * it is given, and three of the kinds have steep spots (σ² near its floor for pae, the
     * shrinkage's 1/|w − λ| for memae, exp(log σ²) for vae) where one unlucky batch can throw the
     * weights to NaN (seen once on Hepatitis, when only the thread count changed the rounding).
     * The clip rescales only steps whose whole gradient is longer than 10.
     */
    static final double CLIP_NORM = 10;

    private final DetectorConfig config;
    private volatile Autoencoder model;
    private volatile FitResult result;
    /** pae only: scaled training rows the mean-shift moves towards; null otherwise. */
    private volatile float[] pool;

    AutoencoderDetector(DetectorConfig config) {
        config.validate();
        this.config = config;
    }

    /** A fitted detector from its parts (used when loading). */
    AutoencoderDetector(DetectorConfig config, Autoencoder model, FitResult result, float[] pool) {
        this(config);
        this.model = model;
        this.result = result;
        this.pool = pool;
    }

    /** pae only: the mean-shift reference rows in scaled units (rows × width), or null. */
    float[] meanShiftPool() {
        return pool;
    }

    public DetectorConfig config() {
        return config;
    }

    @Override
    public String kind() {
        return config.kind();
    }

    /** The trained autoencoder (for encode/reconstruct), or empty before fitting. */
    public Optional<Autoencoder> model() {
        return Optional.ofNullable(model);
    }

    @Override
    public Optional<FitResult> fitResult() {
        return Optional.ofNullable(result);
    }

    /**
     * Refuses training data this detector cannot fit, before any work: too few rows (for the
     * detector, or for the mean-shift neighbourhood), missing or infinite cells.
     */
    public void checkTrainingData(Table train) {
        if (train.rows() < 2) {
            throw new BottleneckException(train.source() + " has " + train.rows()
                    + " rows; a detector needs at least 2 training rows");
        }
        int k = config.meanShiftK();
        int pool = Math.min(train.rows(), config.meanShiftPool());
        if (config.kind().equals(DetectorConfig.PAE) && config.meanShiftIterations() > 0 && k > 0 && k - 1 > pool) {
            throw new BottleneckException("mean-shift scoring with k = " + k + " needs at least " + (k - 1)
                    + " training rows, but there are " + pool + " (choose a smaller --mss-k)");
        }
        checkCells(train);
    }

    @Override
    public FitResult fit(Table train) {
        long t0 = System.nanoTime();
        checkTrainingData(train);
        // labels are dropped here, so nothing downstream can ever train on them
        Table features = new Table(train.values(), train.rows(), train.cols(), train.columns(), null, null,
                train.imageShape().orElse(null), train.source());
        int d = features.cols();
        int latent = config.latent() > 0 ? config.latent() : DetectorConfig.defaultLatent(d);
        List<Integer> hidden = config.hidden() != null ? config.hidden() : DetectorConfig.defaultHidden(d, latent);
        int batch = Math.min(config.batchSize(), features.rows());
        int epochs = config.epochs() > 0 ? config.epochs() : DetectorConfig.defaultEpochs(features.rows(), batch);
        String kind = config.kind();
        boolean pae = kind.equals(DetectorConfig.PAE);
        Autoencoder ae = Autoencoder.builder()
                .setArchitecture(architecture(features, hidden, latent))
                .optBottleneck(bottleneck())
                .optObjective(pae ? Objective.PRE : kind.equals(DetectorConfig.VAE) ? Objective.GAUSSIAN : Objective.MSE)
                .optScaler(features.imageShape().isPresent() ? ScalerKind.NONE : ScalerKind.STANDARD)
                .optFamily(kind)
                .optSeed(config.seed())
                .build();
        try {
            // pae: choose the epoch on held-out unlabelled rows (see the class comment)
            boolean holdOut = pae && features.rows() >= 10;
            TrainingConfig tc = TrainingConfig.builder()
                    .optEpochs(epochs)
                    .optBatchSize(batch)
                    .optLearningRate(config.learningRate())
                    .optWeightDecay(config.weightDecay())
                    .optClipNorm(CLIP_NORM)
                    .optValidationFraction(holdOut ? 0.2 : 0)
                    .optPatience(holdOut ? Math.max(5, epochs / 5) : 0)
                    .optSeed(config.seed())
                    .build();
            TrainingResult trained = Trainer.builder().setConfig(tc).build().fit(ae, features);
            float[] newPool = null;
            double[] scores;
            if (pae) {
                // The threshold comes from the pool rows' scores: the pool is a seeded sample of the
                // training rows (all of them up to meanShiftPool rows), and a quantile of 20k scores
                // is as good an estimate as one of a million, while the mean-shift of every row of
                // a large table would cost more than the training did.
                newPool = samplePool(ae.prepare(features), d);
                scores = AdjustableScore.score(ae, newPool, newPool, config);
            } else {
                scores = score(ae, null, features);
            }
            double t = config.threshold().resolve(scores);
            FitResult r = summary(scores, t, features, trained.bestEpoch(), (System.nanoTime() - t0) / 1e9);
            Autoencoder old = model;
            model = ae;
            pool = newPool;
            result = r;
            if (old != null) {
                old.close();
            }
            return r;
        } catch (RuntimeException e) {
            ae.close();
            throw e;
        }
    }

    /**
     * Images (a table with an image shape, such as IDX files) get the foundation's convolutional
     * autoencoder (32-64 filters, 3×3, stride 2) on pixels in [0, 1]; tables get the dense one on
     * standardised columns. Why: a dense network on 784 pixels ignores that neighbouring pixels
     * belong together, and standardising near-constant border pixels would amplify noise.
     */
    private ArchitectureSpec architecture(Table features, List<Integer> hidden, int latent) {
        Optional<int[]> image = features.imageShape();
        if (image.isPresent()) {
            int[] s = image.get();
            // the pae's decoder predicts log-variances too, which a sigmoid would squash
            Activation output = config.kind().equals(DetectorConfig.PAE) ? Activation.NONE : null;
            return new ConvSpec(s[0], s[1], s[2], List.of(32, 64), 3, 2, latent, null, config.batchNorm(), output);
        }
        return new DenseSpec(features.cols(), hidden, latent, null, config.batchNorm(), config.dropout(), null);
    }

    private BottleneckSpec bottleneck() {
        switch (config.kind()) {
            case DetectorConfig.MEMAE:
                return new MemorySpec(config.memorySlots(),
                        config.shrinkThreshold() > 0 ? config.shrinkThreshold() : 1.0 / config.memorySlots(),
                        config.entropyWeight());
            case DetectorConfig.VAE:
                return GaussianSpec.of(1.0);
            default:
                return new IdentitySpec();
        }
    }

    /**
     * A seeded sample of at most {@code meanShiftPool} scaled training rows: the neighbours of the
     * mean-shift. Why a sample: the shift costs a distance computation against every pool row, and
     * a few ten thousand rows already map the data's density finely.
     */
    private float[] samplePool(float[] scaled, int d) {
        int n = scaled.length / d;
        if (n <= config.meanShiftPool()) {
            return scaled.clone();
        }
        int[] idx = new Random(config.seed()).ints(0, n).distinct().limit(config.meanShiftPool()).sorted().toArray();
        float[] out = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(scaled, idx[i] * d, out, i * d, d);
        }
        return out;
    }

    /** The kind's score of every row: higher = more anomalous. */
    private double[] score(Autoencoder m, float[] meanShiftPool, Table data) {
        switch (config.kind()) {
            case DetectorConfig.VAE:
                return VaeEvaluation.anomalyScore(m, data, config.samples(), config.seed());
            case DetectorConfig.PAE:
                return AdjustableScore.score(m, m.prepare(data), meanShiftPool, config);
            default:
                return m.score(data);
        }
    }

    private FitResult summary(double[] scores, double t, Table train, int epochs, double seconds) {
        double[] s = scores.clone();
        Arrays.sort(s);
        int flagged = Arrays.stream(FitResult.flags(scores, t)).sum();
        return new FitResult(config.kind(), config.threshold(), t, train.rows(), train.columns(), epochs, seconds,
                (double) flagged / scores.length, s[0], Threshold.quantileOf(s, 0.5), s[s.length - 1]);
    }

    @Override
    public double[] score(Table data) {
        Autoencoder m = fitted();
        if (data.cols() != m.inputWidth()) {
            throw new BottleneckException(data.source() + " has " + data.cols()
                    + " feature columns but the detector was fitted on " + m.inputWidth()
                    + " (name a label or id column with --label so it is not read as a feature)");
        }
        checkCells(data);
        return score(m, pool, data);
    }

    @Override
    public int[] predict(Table data) {
        return fitResult().orElseThrow(this::notFitted).flags(score(data));
    }

    @Override
    public void save(Path dir, boolean overwrite) {
        DetectorFiles.save(this, fitted(), result, pool, dir, overwrite);
    }

    @Override
    public void close() {
        Autoencoder m = model;
        if (m != null) {
            m.close();
        }
    }

    private Autoencoder fitted() {
        Autoencoder m = model;
        if (m == null) {
            throw notFitted();
        }
        return m;
    }

    private BottleneckException notFitted() {
        return new BottleneckException("the " + config.kind() + " detector has not been fitted yet (call fit first)");
    }

    /**
     * Refuses infinite cells always and NaN (missing) cells unless imputing: a NaN would otherwise
     * be filled silently by the scaler, and an infinity would turn every score into NaN.
     */
    private void checkCells(Table t) {
        float[] v = t.values();
        int cols = t.cols();
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (Float.isInfinite(x) || (Float.isNaN(x) && !config.impute())) {
                throw new BottleneckException(t.source() + " row " + (i / cols + 1) + ", column "
                        + t.columns().get(i % cols) + " is " + (Float.isNaN(x) ? "missing (NaN)" : "infinite")
                        + "; expected a finite number (use --impute mean to fill missing cells with the training mean)");
            }
        }
    }
}
