package dev.bottleneck.server;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Provenance;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of a model's training data, for the dashboard's pictures (reconstructions, the code map,
 * the score histogram) and its example row. Found through the file the model's provenance names,
 * as given or relative to the model directory; a model whose data is not readable from the server
 * simply has no such pictures, and the dashboard says why.
 *
 * @param table the first {@value #MAX_ROWS} rows (labels kept when the file has a label column)
 * @param path the file they came from
 */
record DataSample(Table table, Path path) {
    static final int MAX_ROWS = 2000;

    /**
     * Loads the sample of {@code m}.
     *
     * @throws ApiException 404 with the reason when there is no readable training data
     */
    static DataSample load(ServedModel m) {
        Provenance p = m.config().provenance();
        if (p == null || p.dataFile() == null || p.dataFile().isBlank()) {
            throw ApiException.notFound("model '" + m.name() + "' has no provenance naming its training data, so there are no rows to draw");
        }
        Path file = locate(p.dataFile(), m.dir());
        if (file == null) {
            throw ApiException.notFound("the training data of model '" + m.name() + "' (" + p.dataFile()
                    + ") cannot be read from the server's working directory or the model directory");
        }
        try {
            Table t = DataSources.load(file, p.labelColumn(), ImputePolicy.MEAN);
            if (t.cols() != m.inputWidth()) {
                // a detector drops its data's label column before training, so its provenance
                // does not name it: take the one column the model was not trained on as the label
                List<String> extra = new ArrayList<>(t.columns());
                extra.removeAll(m.columns());
                if (extra.size() != 1 || t.cols() != m.inputWidth() + 1) {
                    throw ApiException.notFound("the training data " + file + " has " + t.cols()
                            + " columns but model '" + m.name() + "' expects " + m.inputWidth());
                }
                t = DataSources.load(file, extra.get(0), ImputePolicy.MEAN);
            }
            int n = Math.min(MAX_ROWS, t.rows());
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            return new DataSample(t.select(idx), file);
        } catch (ApiException e) {
            throw e;
        } catch (BottleneckException e) {
            throw ApiException.notFound("the training data of model '" + m.name() + "' cannot be read: " + e.getMessage());
        }
    }

    private static Path locate(String dataFile, Path modelDir) {
        try {
            Path given = Path.of(dataFile);
            if (Files.isRegularFile(given)) {
                return given;
            }
            if (!given.isAbsolute()) {
                for (Path base = modelDir; base != null; base = base.getParent()) {
                    Path c = base.resolve(given);
                    if (Files.isRegularFile(c)) {
                        return c;
                    }
                }
            }
        } catch (InvalidPathException e) {
            return null;
        }
        return null;
    }
}
