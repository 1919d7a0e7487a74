package dev.bottleneck.anomaly;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.BottleneckSpec;
import dev.bottleneck.bottleneck.IdentitySpec;
import dev.bottleneck.bottleneck.MemorySpec;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reconstruction-error detectors: a dense autoencoder (kind {@code ae}) or a memory-augmented one
 * (kind {@code memae}) is trained on standardised training rows; a row's score is its mean squared
 * reconstruction error in standardised units.
 *
 * <p>Why all training rows and no validation split: without labels there is nothing to select
 * on, and ADBench's unsupervised protocol trains on the whole (contaminated) training part.
 */
public final class AutoencoderDetector implements Detector {
    private final DetectorConfig config;
    private volatile Autoencoder model;
    private volatile FitResult result;

    AutoencoderDetector(DetectorConfig config) {
        config.validate();
        this.config = config;
    }

    /** A fitted detector from its parts (used when loading). */
    AutoencoderDetector(DetectorConfig config, Autoencoder model, FitResult result) {
        this(config);
        this.model = model;
        this.result = result;
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

    @Override
    public FitResult fit(Table train) {
        long t0 = System.nanoTime();
        if (train.rows() < 2) {
            throw new BottleneckException(train.source() + " has " + train.rows()
                    + " rows; a detector needs at least 2 training rows");
        }
        checkCells(train);
        // labels are dropped here, so nothing downstream can ever train on them
        Table features = new Table(train.values(), train.rows(), train.cols(), train.columns(), null, null,
                null, train.source());
        int d = features.cols();
        int latent = config.latent() > 0 ? config.latent() : DetectorConfig.defaultLatent(d);
        List<Integer> hidden = config.hidden() != null ? config.hidden() : DetectorConfig.defaultHidden(d, latent);
        int batch = Math.min(config.batchSize(), features.rows());
        int epochs = config.epochs() > 0 ? config.epochs() : DetectorConfig.defaultEpochs(features.rows(), batch);
        BottleneckSpec bottleneck = config.kind().equals(DetectorConfig.MEMAE)
                ? new MemorySpec(config.memorySlots(),
                        config.shrinkThreshold() > 0 ? config.shrinkThreshold() : 1.0 / config.memorySlots(),
                        config.entropyWeight())
                : new IdentitySpec();
        Autoencoder ae = Autoencoder.builder()
                .setArchitecture(new DenseSpec(d, hidden, latent, null, config.batchNorm(), config.dropout(), null))
                .optBottleneck(bottleneck)
                .optScaler(ScalerKind.STANDARD)
                .optFamily(config.kind())
                .optSeed(config.seed())
                .build();
        try {
            TrainingConfig tc = TrainingConfig.builder()
                    .optEpochs(epochs)
                    .optBatchSize(batch)
                    .optLearningRate(config.learningRate())
                    .optWeightDecay(config.weightDecay())
                    .optValidationFraction(0)
                    .optSeed(config.seed())
                    .build();
            Trainer.builder().setConfig(tc).build().fit(ae, features);
            double[] scores = ae.score(features);
            double t = config.threshold().resolve(scores);
            FitResult r = summary(scores, t, features, epochs, (System.nanoTime() - t0) / 1e9);
            Autoencoder old = model;
            model = ae;
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
        return m.score(data);
    }

    @Override
    public int[] predict(Table data) {
        return fitResult().orElseThrow(this::notFitted).flags(score(data));
    }

    @Override
    public void save(Path dir, boolean overwrite) {
        DetectorFiles.save(this, fitted(), result, dir, overwrite);
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
