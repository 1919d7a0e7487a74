package dev.bottleneck.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.interpret.sae.SaeBatch;
import dev.bottleneck.interpret.sae.SaeTrainingData;
import dev.bottleneck.interpret.sae.SparseAutoencoder;

/**
 * SAE training batches cut in turn from a small fixed pool of rows, for throughput runs where the
 * rows' content does not matter: {@code steps} batches of {@code batch} rows per epoch.
 */
final class PooledRows implements SaeTrainingData {
    private final NDArray pool;
    private final int batch;
    private final int steps;

    PooledRows(NDArray pool, int batch, int steps) {
        this.pool = pool;
        this.batch = batch;
        this.steps = steps;
    }

    @Override
    public int batchesPerEpoch() {
        return steps;
    }

    @Override
    public Epoch epoch(long seed) {
        long slices = pool.getShape().get(0) / batch;
        return new Epoch() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < steps;
            }

            @Override
            public SaeBatch next(NDManager m, SparseAutoencoder sae) {
                long from = (next++ % slices) * batch;
                NDArray x = pool.get(from + ":" + (from + batch));
                x.attach(m);
                return new SaeBatch(x, x, null);
            }
        };
    }
}
