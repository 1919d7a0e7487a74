package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.interpret.store.ActivationStore;

import java.util.List;

/**
 * How much of an SAE's error is a linear function of its input: the "dark matter" analysis of
 * Engels, Smith and Tegmark, "Decomposing the Dark Matter of Sparse Autoencoders" (TMLR 2025,
 * arXiv 2410.14670). On training rows it fits two ridge regressions, each with an unpenalised
 * bias: from the activation x to the error vector e = x − x̂, and from x to the squared error norm
 * ‖e‖². On held-out rows it reports how much of each they predict.
 *
 * <p>The paper (and its code, {@code run_lstsq} in github.com/JoshEngels/SAE-Dark-Matter) fits
 * plain least squares on 150k tokens and reports the test R² on the next 150k: for the error
 * vector R² averaged over its dimensions ("about half of the error vector"), for the norm the R²
 * of predicting ‖e‖² ("&gt; 90 % of its norm"). We report that per-dimension mean beside the pooled
 * R² (variance summed over dimensions, as our FVU is), and the FVU that would remain if the linear
 * prediction were added to the reconstruction — the paper's "nonlinear error".
 *
 * <p>Everything is in the SAE's scaled space (raw rows × its scale); R² does not depend on it. The
 * ridge penalty is λ·tr(C)/d with C the training covariance of x, so λ is unit-free; unless set,
 * it is chosen per regression from {@link #LAMBDAS} by the squared error on every
 * {@value #VALIDATION_EVERY}-th training row, and the chosen fit is then refitted on all training
 * rows. (Transcoders, whose target is another hook, are not covered: the error here is x − x̂.)
 */
public final class DarkMatter {
    /** The ridge penalties tried, relative to the mean input variance. */
    public static final List<Double> LAMBDAS = List.of(1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0);
    static final int VALIDATION_EVERY = 10;

    private final long trainTokens;
    private final long heldOutTokens;
    private final double lambda;
    private final int batchSize;

    /**
     * @param lambdaVector the ridge penalty of the error-vector regression
     * @param lambdaNorm the ridge penalty of the error-norm regression
     * @param fvu the SAE's held-out FVU: Σ‖e‖² / Σ‖x − x̄‖²
     * @param fvuNonlinear the FVU left after adding the linear prediction: Σ‖e − ê‖² / Σ‖x − x̄‖²
     * @param errorVarianceExplained 1 − Σ‖e − ê‖² / Σ‖e − ē‖² on held-out rows: the share of the error
     *     vector's variance (around its mean, summed over dimensions) that is linearly predictable
     * @param errorVarianceExplainedPerDimension the same R² per dimension, averaged (the paper's number)
     * @param errorNormR2 held-out R² of the linear prediction of ‖e‖² (the paper's norm number)
     */
    public record Result(long trainTokens, long heldOutTokens, double lambdaVector, double lambdaNorm, double fvu,
            double fvuNonlinear, double errorVarianceExplained, double errorVarianceExplainedPerDimension,
            double errorNormR2) {

        /**
         * The share of the squared error Σ‖e‖² (not centred) that the linear prediction removes,
         * 1 − fvuNonlinear / fvu; unlike the R² it counts the error's mean as predictable.
         */
        public double linearShareOfError() {
            return 1 - fvuNonlinear / fvu;
        }
    }

    private DarkMatter(Builder b) {
        this.trainTokens = b.trainTokens;
        this.heldOutTokens = b.heldOutTokens;
        this.lambda = b.lambda;
        this.batchSize = b.batchSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fits on the store's training rows and measures on its held-out rows. */
    public Result measure(SparseAutoencoder sae, ActivationStore store) {
        SaeConfig c = sae.config();
        if (c.isTranscoder()) {
            throw new BottleneckException("dark matter is measured on an SAE's error x − x̂, but this is a transcoder ("
                    + c.hook() + " → " + c.targetHook() + "); give an SAE trained without --transcoder");
        }
        if (store.info().dIn() != c.dIn()) {
            throw new BottleneckException("store has " + store.info().dIn() + " values per row but the SAE reads "
                    + c.dIn() + " (" + c.hook() + ")");
        }
        if (!store.info().hook().equals(c.hook())) {
            throw new BottleneckException("store holds " + store.info().hook() + " but the SAE was trained on "
                    + c.hook());
        }
        long train = Math.min(store.rows(ActivationStore.Split.TRAIN), trainTokens > 0 ? trainTokens : Long.MAX_VALUE);
        if (train < 2L * VALIDATION_EVERY) {
            throw new BottleneckException("the store has " + train + " training rows; the ridge fit needs at least "
                    + 2 * VALIDATION_EVERY);
        }
        if (store.rows(ActivationStore.Split.HELD_OUT) < 2) {
            throw new BottleneckException("the store has no held-out rows to measure on; collect it with "
                    + "--held-out-every N (N ≥ 2)");
        }
        int d = c.dIn();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (NDManager m = sae.manager().newSubManager()) {
            RidgeStatistics fit = new RidgeStatistics(d, d + 1);
            RidgeStatistics validation = new RidgeStatistics(d, d + 1);
            ActivationStore.Batches batches = store.batches(ActivationStore.Split.TRAIN, batchSize, false, 0, false, train);
            long row = 0;
            while (batches.hasNext()) {
                try (NDManager bm = m.newSubManager()) {
                    NDArray x = batches.next(bm).mul((float) c.scale());
                    int n = (int) x.getShape().get(0);
                    double[] held = new double[n];
                    for (int i = 0; i < n; i++) {
                        held[i] = (row + i) % VALIDATION_EVERY == VALIDATION_EVERY - 1 ? 1 : 0;
                    }
                    NDArray x64 = x.toType(DataType.FLOAT64, false);
                    NDArray y = targets(sae, x);
                    NDArray v = bm.create(held);
                    fit.add(x64, y, v.neg().add(1));
                    validation.add(x64, y, v);
                    row += n;
                }
            }
            double[] lambdas = lambda > 0 ? new double[] {lambda, lambda} : choose(fit, validation, d, m);
            RidgeStatistics all = fit.plus(validation);
            RidgeStatistics.Ridge vector = all.solve(lambdas[0], m);
            RidgeStatistics.Ridge norm = lambdas[1] == lambdas[0] ? vector : all.solve(lambdas[1], m);
            return evaluate(sae, store, vector, norm, lambdas, (long) all.rows(), m);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        }
    }

    /** (rows, d + 1) float64: the error e = x − x̂ and, last, ‖e‖². */
    private static NDArray targets(SparseAutoencoder sae, NDArray x) {
        NDArray e = x.sub(sae.forward(x).reconstruction()).toType(DataType.FLOAT64, false);
        return e.concat(e.square().sum(new int[] {1}, true), 1);
    }

    /** The penalties with the least validation error: {vector, norm}. */
    private static double[] choose(RidgeStatistics fit, RidgeStatistics validation, int d, NDManager m) {
        double[] best = {Double.NaN, Double.NaN};
        double[] bestError = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (double l : LAMBDAS) {
            double[] sse = validation.squaredError(fit.solve(l, m), m);
            double vector = 0;
            for (int j = 0; j < d; j++) {
                vector += sse[j];
            }
            double[] err = {vector, sse[d]};
            for (int k = 0; k < 2; k++) {
                if (err[k] < bestError[k]) {
                    bestError[k] = err[k];
                    best[k] = l;
                }
            }
        }
        return best;
    }

    private Result evaluate(SparseAutoencoder sae, ActivationStore store, RidgeStatistics.Ridge vector,
            RidgeStatistics.Ridge norm, double[] lambdas, long trainRows, NDManager m) {
        SaeConfig c = sae.config();
        int d = c.dIn();
        NDArray wVector = m.create(vector.w(), new Shape(d, d + 1)).get(new NDIndex(":, :{}", d));
        NDArray bVector = m.create(vector.b()).get(new NDIndex(":{}", d));
        NDArray wNorm = m.create(norm.w(), new Shape(d, d + 1)).get(new NDIndex(":, {}:", d));
        NDArray bNorm = m.create(norm.b()).get(new NDIndex("{}:", d));
        double[] residual = new double[d];
        double[] sumE = new double[d];
        double[] sumE2 = new double[d];
        double[] sumX = new double[d];
        double sumX2 = 0;
        double normResidual = 0;
        double sumN = 0;
        double sumN2 = 0;
        long rows = 0;
        ActivationStore.Batches batches = store.batches(ActivationStore.Split.HELD_OUT, batchSize, false, 0, false,
                heldOutTokens);
        while (batches.hasNext()) {
            try (NDManager bm = m.newSubManager()) {
                NDArray x = batches.next(bm).mul((float) c.scale());
                NDArray x64 = x.toType(DataType.FLOAT64, false);
                NDArray y = targets(sae, x);
                NDArray e = y.get(new NDIndex(":, :{}", d));
                NDArray n = y.get(new NDIndex(":, {}:", d));
                add(residual, e.sub(x64.matMul(wVector).add(bVector)).square().sum(new int[] {0}).toDoubleArray());
                add(sumE, e.sum(new int[] {0}).toDoubleArray());
                add(sumE2, e.square().sum(new int[] {0}).toDoubleArray());
                add(sumX, x64.sum(new int[] {0}).toDoubleArray());
                sumX2 += x64.square().sum().getDouble();
                normResidual += n.sub(x64.matMul(wNorm).add(bNorm)).square().sum().getDouble();
                sumN += n.sum().getDouble();
                sumN2 += n.square().sum().getDouble();
                rows += x.getShape().get(0);
            }
        }
        double varianceX = sumX2;
        double errorSq = 0;
        double residualSq = 0;
        double errorVariance = 0;
        double perDimension = 0;
        int dims = 0;
        for (int j = 0; j < d; j++) {
            varianceX -= sumX[j] * sumX[j] / rows;
            errorSq += sumE2[j];
            residualSq += residual[j];
            double sst = sumE2[j] - sumE[j] * sumE[j] / rows;
            errorVariance += sst;
            if (sst > 0) {
                perDimension += 1 - residual[j] / sst;
                dims++;
            }
        }
        double normVariance = sumN2 - sumN * sumN / rows;
        return new Result(trainRows, rows, lambdas[0], lambdas[1], errorSq / varianceX, residualSq / varianceX,
                1 - residualSq / errorVariance, dims == 0 ? Double.NaN : perDimension / dims,
                1 - normResidual / normVariance);
    }

    private static void add(double[] into, double[] v) {
        for (int i = 0; i < into.length; i++) {
            into[i] += v[i];
        }
    }

    /** Settings; all optional. */
    public static final class Builder {
        private long trainTokens = 262_144;
        private long heldOutTokens = 262_144;
        private double lambda;
        private int batchSize = 4096;

        /** Training rows to fit on (default 262,144; ≤ 0: all). */
        public Builder optTrainTokens(long n) {
            this.trainTokens = n;
            return this;
        }

        /** Held-out rows to measure on (default 262,144; ≤ 0: all). */
        public Builder optHeldOutTokens(long n) {
            this.heldOutTokens = n;
            return this;
        }

        /** A fixed ridge penalty (relative to the mean input variance) instead of choosing one. */
        public Builder optLambda(double lambda) {
            this.lambda = lambda;
            return this;
        }

        public Builder optBatchSize(int n) {
            this.batchSize = n;
            return this;
        }

        public DarkMatter build() {
            if (!(lambda >= 0 && Double.isFinite(lambda))) {
                throw new BottleneckException("ridge penalty must be ≥ 0 (0 = choose), got " + lambda);
            }
            if (batchSize < 1) {
                throw new BottleneckException("batch size must be ≥ 1, got " + batchSize);
            }
            return new DarkMatter(this);
        }
    }
}
