package dev.bottleneck.anomaly;

import dev.bottleneck.BottleneckException;

import java.util.List;
import java.util.Locale;

/** Builders of the detectors, and the names the command line knows them by. */
public final class Detectors {
    /** Names accepted by {@link #byName}; the first is the default. */
    public static final List<String> NAMES = DetectorConfig.KINDS;

    private Detectors() {}

    /** Reconstruction-error autoencoder: d → h → h/2 → code → h/2 → h → d, batch norm, dropout 0.2. */
    public static DetectorConfig.Builder autoencoder() {
        return new DetectorConfig.Builder(DetectorConfig.AE);
    }

    /** Memory-augmented autoencoder: the same networks with a memory of N items between them. */
    public static DetectorConfig.Builder memae() {
        return new DetectorConfig.Builder(DetectorConfig.MEMAE);
    }

    /**
     * Variational autoencoder scored by its reconstruction log-probability: −E_q[log p(x|z)] over
     * Monte-Carlo draws of z (An &amp; Cho), a Gaussian likelihood on standardised columns.
     */
    public static DetectorConfig.Builder vae() {
        return new DetectorConfig.Builder(DetectorConfig.VAE);
    }

    /**
     * Probabilistic autoencoder (Tan et al., MSS-PAE): trained on the probabilistic reconstruction
     * error, scored with the adjustable PRE against the mean-shifted row; the epoch is chosen on a
     * held-out fifth of the (unlabelled) training rows.
     */
    public static DetectorConfig.Builder pae() {
        return new DetectorConfig.Builder(DetectorConfig.PAE);
    }

    /**
     * k-nearest-neighbour distance (PyOD's KNN): the distance to the k-th nearest training row
     * (or the mean or median of the k), on standardised columns, images blurred by σ = 1 pixel.
     * Not an autoencoder: the reference every autoencoder detector is measured against.
     */
    public static DetectorConfig.Builder knn() {
        return new DetectorConfig.Builder(DetectorConfig.KNN);
    }

    /** An unfitted detector with these settings. */
    public static Detector create(DetectorConfig config) {
        config.validate();
        return config.kind().equals(DetectorConfig.KNN) ? new KnnDetector(config) : new AutoencoderDetector(config);
    }

    /** The builder for a detector name ({@code ae}, {@code memae}; case-insensitive). */
    public static DetectorConfig.Builder byName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "ae":
            case "autoencoder":
                return autoencoder();
            case "memae":
                return memae();
            case "vae":
                return vae();
            case "pae":
            case "mss-pae":
                return pae();
            case "knn":
                return knn();
            default:
                throw new BottleneckException("detector \"" + name + "\" is not known (expected one of: "
                        + String.join(", ", NAMES) + ")");
        }
    }
}
