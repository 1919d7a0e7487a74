package dev.bottleneck.prototype;

import dev.bottleneck.plot.HeatMap;
import dev.bottleneck.plot.ImageGrid;
import dev.bottleneck.plot.PngFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pictures that make a prototype network's reasoning visible: its prototypes decoded to
 * inputs, its classifier's weights, and per-input explanations ({@link ExplanationPlot}).
 */
public final class PrototypePlots {
    private PrototypePlots() {}

    /**
     * Every prototype decoded by the autoencoder, in order (P1 first), one row of up to 15. Rows
     * that are not images are drawn as a strip of their values, scaled to [0, 1] together.
     */
    public static void writePrototypes(Path out, PrototypeNetwork net) throws IOException {
        float[][] protos = net.decodedPrototypes();
        int[] shape = net.config().architecture().imageShape();
        if (shape == null) {
            protos = ExplanationPlot.normaliseTogether(protos);
            shape = new int[] {1, 1, protos[0].length};
        }
        PngFiles.writeAtomically(ImageGrid.render(protos, shape[0], shape[1], shape[2], 15,
                Math.max(1, 112 / Math.max(shape[1], shape[2]))), out);
    }

    /**
     * The classifier's weight matrix, prototypes (rows) by classes (columns): a negative weight
     * (blue) means being close to that prototype raises the class's score.
     */
    public static void writeWeights(Path out, PrototypeNetwork net) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int j = 1; j <= net.prototypeCount(); j++) {
            rows.add("P" + j);
        }
        HeatMap.write(out, "Classifier weights (prototype × class; blue: near it → this class)", net.classWeights(), rows,
                net.classes());
    }

    /** The "this looks like that" picture for one input. */
    public static void writeExplanation(Path out, Explanation e) throws IOException {
        PngFiles.writeAtomically(ExplanationPlot.render(e), out);
    }
}
