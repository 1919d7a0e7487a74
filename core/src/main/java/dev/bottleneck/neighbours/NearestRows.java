package dev.bottleneck.neighbours;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.engine.Engines;

import java.util.Arrays;

/**
 * Nearest reference rows by Euclidean distance, found on the engine: squared distances by one
 * matrix product per chunk of queries, then top-k. Shared by the mean-shift (which needs the
 * neighbours' indices), the kNN detector (their distances) and UMAP (both, of every row).
 */
public final class NearestRows {
    /**
     * Cells of one chunk's (queries × reference) distance matrix: 256 Ki floats = 1 MiB. Why this
     * small: with 1,024-row chunks against a 20,000-row pool (80 MiB per temporary) the mean-shift
     * spent more time in page faults than in arithmetic (8,000 rows, d = 3: 5.5 s system vs 3.9 s
     * user, 2.8 M minor faults); 1 MiB chunks: 1.4 s system, 0.5 M faults, the same user time.
     */
    public static final int CHUNK_CELLS = 1 << 18;

    private NearestRows() {}

    /** Query rows per chunk against {@code n} reference rows. */
    public static int chunkRows(int queries, int n) {
        return Math.max(1, Math.min(queries, CHUNK_CELLS / n));
    }

    /** The reference rows on the engine (n × d), transposed, and their squared norms (1 × n). */
    public record Reference(NDArray rows, NDArray transposed, NDArray norms) {
        public static Reference of(NDManager manager, float[] rows, int d) {
            int n = rows.length / d;
            NDArray ref = manager.create(rows, new Shape(n, d));
            return new Reference(ref, ref.transpose(), ref.square().sum(new int[] {1}).reshape(1, n));
        }
    }

    /**
     * The k nearest reference rows of each query: [squared distance − ‖q‖² (c × k, ascending),
     * index (c × k)]. The ‖q‖² term does not change which rows are nearest, so it is left to the
     * caller that needs true distances. Temporaries are made from the query's manager.
     */
    public static NDList nearest(NDArray q, Reference ref, int k) {
        // ‖q − r‖² = ‖q‖² − 2 q·r + ‖r‖²
        NDArray partial = q.matMul(ref.transposed()).mul(-2f).add(ref.norms());
        return partial.topK(k, 1, false, true);
    }

    /**
     * The k nearest rows of every row among the rows themselves (n × k, row-major, ascending
     * distance per row), the row itself included: UMAP's neighbour graph counts a point as its own
     * nearest neighbour, as umap-learn's exact search does.
     */
    public record Graph(int[] indices, float[] distances, int k) {
        public int rows() {
            return indices.length / k;
        }
    }

    /** The k nearest rows of each row of {@code rows} (n × d, row-major), itself among them. */
    public static Graph graph(NDManager manager, float[] rows, int d, int k) {
        int n = rows.length / d;
        int[] indices = new int[n * k];
        float[] distances = new float[n * k];
        search(manager, rows, rows, d, k, (start, c, dist, idx) -> {
            System.arraycopy(dist.toFloatArray(), 0, distances, start * k, c * k);
            System.arraycopy(idx.toType(DataType.INT32, false).toIntArray(), 0, indices, start * k, c * k);
        });
        return new Graph(indices, distances, k);
    }

    /**
     * Distances to the k nearest reference rows of every query, ascending per query (m × k,
     * row-major).
     *
     * @param skipSelf the queries are the reference rows themselves, in the same order: each row's
     *     own (zero) distance is left out, so a training row is scored against the others (with a
     *     duplicate row, the dropped zero is either copy's, which gives the same distances)
     */
    public static float[] distances(NDManager manager, float[] reference, float[] queries, int d, int k, boolean skipSelf) {
        float[] out = new float[queries.length / d * k];
        search(manager, reference, queries, d, skipSelf ? k + 1 : k, (start, c, dist, idx) -> {
            NDArray kept = skipSelf ? dist.get(":, 1:") : dist;
            System.arraycopy(kept.toFloatArray(), 0, out, start * k, c * k);
        });
        return out;
    }

    /** Receives one chunk of queries' true distances (c × k, ascending) and reference indices. */
    private interface ChunkSink {
        void accept(int start, int count, NDArray distances, NDArray indices);
    }

    /** Runs the chunked search; each chunk's arrays live in a sub-manager closed after the sink. */
    private static void search(NDManager manager, float[] reference, float[] queries, int d, int k, ChunkSink sink) {
        int n = reference.length / d;
        int m = queries.length / d;
        Engines.inferenceMode();
        int chunk = chunkRows(m, n);
        try (NDManager refManager = manager.newSubManager()) {
            Reference ref = Reference.of(refManager, reference, d);
            for (int start = 0; start < m; start += chunk) {
                int c = Math.min(chunk, m - start);
                try (NDManager sub = refManager.newSubManager()) {
                    NDArray q = sub.create(Arrays.copyOfRange(queries, start * d, (start + c) * d), new Shape(c, d));
                    NDList found = nearest(q, ref, k);
                    NDArray dist = found.get(0).add(q.square().sum(new int[] {1}, true)).maximum(0f).sqrt();
                    sink.accept(start, c, dist, found.get(1));
                }
            }
        }
    }
}
