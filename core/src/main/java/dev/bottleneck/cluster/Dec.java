package dev.bottleneck.cluster;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.train.StopSignal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Deep Embedded Clustering (Xie, Girshick &amp; Farhadi, ICML 2016). The encoder of a trained
 * autoencoder and k cluster centres in its code space are trained together: soft assignment
 * q_ij ∝ (1 + ‖z_i − μ_j‖²)⁻¹ (Student's t, α = 1), target p_ij ∝ q_ij² / f_j with f_j = Σ_i
 * q_ij (sharpens confident assignments and keeps big clusters from swallowing the rest), loss
 * KL(P ‖ Q), the target recomputed every T steps, stop when fewer than 0.1 % of rows change
 * cluster. Centres start from k-means on the codes. The encoder's weights are updated in place.
 */
public final class Dec {
    private final DeepClusteringConfig config;

    public Dec(DeepClusteringConfig config) {
        this.config = config;
    }

    /**
     * Runs DEC.
     *
     * @param model a trained autoencoder; its encoder is fine-tuned in place
     * @param scaled the rows, already scaled for the model ({@link Autoencoder#prepare}), row-major
     * @param n number of rows
     * @param start k-means on the model's codes of these rows: the initial centres
     */
    public DeepClusteringResult fit(Autoencoder model, float[] scaled, int n, KMeansResult start, StopSignal stop,
            IntConsumer progress) {
        int k = start.k();
        int latent = TargetTraining.checkCentres(model, start);
        try (NDManager run = model.manager().newSubManager()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            model.parameters().forEach((name, p) -> {
                if (name.startsWith("encoder.")) {
                    params.put(name, p);
                }
            });
            NDArray mu = run.create(KMeans.flatten(start.centroids()), new Shape(k, latent));
            params.put("clustering.centres", TargetTraining.trainable("centres", mu));
            TargetTraining.Head head = new TargetTraining.Head() {
                @Override
                public Map<String, Parameter> parameters() {
                    return params;
                }

                @Override
                public NDArray probabilities(NDArray x, boolean training) {
                    return logQ(TargetTraining.code(model, x, training), mu).exp();
                }

                @Override
                public float[] target(float[] q, int rows, int k) {
                    double[] f = TargetTraining.clusterSizes(q, rows, k);
                    double[] p = new double[rows * k];
                    for (int i = 0; i < p.length; i++) {
                        p[i] = (double) q[i] * q[i] / f[i % k];
                    }
                    return TargetTraining.normaliseRows(p, rows, k);
                }

                @Override
                public NDArray loss(NDArray x, NDArray target) {
                    NDArray logQ = logQ(TargetTraining.code(model, x, true), mu);
                    return klLoss(target, logQ);
                }
            };
            return TargetTraining.run(model, scaled, n, k, head, config, stop, progress);
        }
    }

    /** log q for codes z (b × L) and centres μ (k × L): Student's t with one degree of freedom. */
    static NDArray logQ(NDArray z, NDArray mu) {
        NDArray d2 = z.expandDims(1).sub(mu.expandDims(0)).square().sum(new int[] {2});
        NDArray logKernel = d2.add(1).log().neg();
        return logKernel.sub(logKernel.exp().sum(new int[] {1}, true).log());
    }

    /** Mean over rows of KL(target ‖ model) given log model probabilities. */
    static NDArray klLoss(NDArray target, NDArray logModel) {
        NDArray logTarget = target.maximum(1e-12f).log();
        return target.mul(logTarget.sub(logModel)).sum().div(target.getShape().get(0));
    }
}
