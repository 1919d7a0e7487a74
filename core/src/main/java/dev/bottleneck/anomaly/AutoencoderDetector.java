package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
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
import java.util.List;
import java.util.Optional;

/**
 * Autoencoder detectors, all trained on standardised training rows and differing in bottleneck,
 * objective and score:
 * <ul>
 *   <li>{@code ae}, {@code memae}: a dense or memory-augmented autoencoder; the score is the mean
 *       squared reconstruction error in standardised units (for images, of the Gaussian-blurred
 *       difference when {@link DetectorConfig#smoothing()} is above 0);
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

    @Override
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
    @Override
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
        DetectorSupport.checkCells(train, config.impute());
    }

    @Override
    public FitResult fit(Table train) {
        long t0 = System.nanoTime();
        checkTrainingData(train);
        Table features = DetectorSupport.withoutLabels(train);
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
                newPool = DetectorSupport.samplePool(ae.prepare(features), d, config.meanShiftPool(), config.seed());
                scores = AdjustableScore.score(ae, newPool, newPool, config);
            } else {
                scores = score(ae, null, features);
            }
            double t = config.threshold().resolve(scores);
            FitResult r = DetectorSupport.summary(config, scores, t, features, trained.bestEpoch(), (System.nanoTime() - t0) / 1e9);
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

    /** The kind's score of every row: higher = more anomalous. */
    private double[] score(Autoencoder m, float[] meanShiftPool, Table data) {
        switch (config.kind()) {
            case DetectorConfig.VAE:
                return VaeEvaluation.anomalyScore(m, data, config.samples(), config.seed());
            case DetectorConfig.PAE:
                return AdjustableScore.score(m, m.prepare(data), meanShiftPool, config);
            default:
                return m.config().architecture() instanceof ConvSpec conv && config.smoothing() > 0
                        ? smoothedError(m, data, new int[] {conv.channels(), conv.height(), conv.width()})
                        : m.score(data);
        }
    }

    /**
     * The mean squared error between the blurred image and its blurred reconstruction (ae and
     * memae on images). Why: a pixel-wise error counts a stroke drawn one pixel aside twice, once
     * where it is missing and once where it appears; after a blur of about a pixel the two cancel
     * for small misplacements and remain for wrong shapes (Fashion-MNIST one-vs-rest, BENCHMARKS.md).
     */
    private double[] smoothedError(Autoencoder m, Table data, int[] shape) {
        return m.scoreRows(data, x -> {
            NDArray diff = x.sub(m.forward(x, false).reconstruction());
            return GaussianSmoothing.blur(diff, shape, config.smoothing()).square().mean(new int[] {1});
        });
    }

    @Override
    public double[] score(Table data) {
        Autoencoder m = fitted();
        DetectorSupport.checkWidth(data, m.inputWidth());
        DetectorSupport.checkCells(data, config.impute());
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
}
