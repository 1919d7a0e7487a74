package dev.bottleneck.server;

import dev.bottleneck.anomaly.AutoencoderDetector;
import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.anomaly.FitResult;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One model the server holds: a model directory, or a detector directory (whose fitted threshold
 * turns scores into 0/1 outlier flags). Loaded once and shared by every request.
 *
 * <p>Why no lock: {@link Autoencoder}'s table methods run each batch in a sub-manager of their
 * own ({@code NDManager.newSubManager()}), so every request's tensors are created and freed in a
 * scope no other request sees, while the weights are only read (inference mode, no dropout, batch
 * norm uses its running statistics). The concurrency test scores from 16 threads at once and
 * checks every answer equals the serial one.
 */
final class ServedModel implements AutoCloseable {
    /** What kind of directory the model came from. */
    enum Kind { MODEL, DETECTOR }

    private final String name;
    private final Path dir;
    private final Kind kind;
    private final Autoencoder model;
    private final Detector detector;
    private final FitResult fit;

    private ServedModel(String name, Path dir, Kind kind, Autoencoder model, Detector detector, FitResult fit) {
        this.name = name;
        this.dir = dir;
        this.kind = kind;
        this.model = model;
        this.detector = detector;
        this.fit = fit;
    }

    static ServedModel ofModel(String name, Path dir) {
        return new ServedModel(name, dir, Kind.MODEL, Autoencoder.load(dir), null, null);
    }

    static ServedModel ofDetector(String name, Path dir) {
        Detector d = Detector.load(dir);
        if (!(d instanceof AutoencoderDetector ad) || ad.model().isEmpty() || d.fitResult().isEmpty()) {
            d.close();
            throw new dev.bottleneck.BottleneckException(dir + " holds a detector that is not a fitted autoencoder detector"
                    + " (the server serves autoencoders; a knn detector has none)");
        }
        return new ServedModel(name, dir, Kind.DETECTOR, ad.model().get(), d, d.fitResult().get());
    }

    String name() { return name; }
    Path dir() { return dir; }
    Kind kind() { return kind; }
    Autoencoder model() { return model; }
    ModelConfig config() { return model.config(); }
    Optional<FitResult> fit() { return Optional.ofNullable(fit); }

    /** The fitted threshold of a detector; none for a plain model. */
    OptionalDouble threshold() {
        return fit == null ? OptionalDouble.empty() : OptionalDouble.of(fit.thresholdValue());
    }

    int inputWidth() { return model.inputWidth(); }

    /** Feature column names the model was trained on, or x0, x1, … when it has none. */
    List<String> columns() {
        List<String> c = model.config().inputColumns();
        if (c != null && c.size() == inputWidth()) {
            return c;
        }
        return java.util.stream.IntStream.range(0, inputWidth()).mapToObj(i -> "x" + i).toList();
    }

    float[][] encode(Table rows) { return model.encode(rows); }

    float[][] reconstruct(Table rows) { return model.reconstruct(rows); }

    /** A detector's own score (the one its threshold was fitted on), else the reconstruction error. */
    double[] score(Table rows) { return detector != null ? detector.score(rows) : model.score(rows); }

    @Override
    public void close() {
        if (detector != null) {
            detector.close(); // closes its model too
        } else {
            model.close();
        }
    }
}
