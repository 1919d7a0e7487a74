package dev.bottleneck.cluster;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.train.StopSignal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A DEPICT-style joint objective (Dizaji et al., "Deep Clustering via Joint Convolutional
 * Autoencoder Embedding and Relative Entropy Minimization", ICCV 2017), trained end to end on a
 * (convolutional) autoencoder: a soft-max clustering layer p_ik = softmax(θ_kᵀ z_i + b_k) on the
 * code, and the loss KL(Q ‖ P) + λ · reconstruction. The target comes from adding a uniform
 * prior on cluster sizes, KL(f ‖ u), to the relative entropy: its minimiser is q_ik ∝ p_ik /
 * (Σ_i p_ik)^½, which pushes rows out of over-full clusters. Reconstruction keeps the code from
 * collapsing while the encoder moves. Simplified from the paper: one reconstruction term (on
 * the output, not at every layer) and no noisy encoder pathway.
 *
 * <p>The clustering layer starts as the Gaussian-like classifier of the k-means centres μ on
 * the pre-trained codes: θ_k = 2μ_k / τ, b_k = −‖μ_k‖² / τ, so p_ik = softmax(−‖z_i − μ_k‖² / τ),
 * which makes step 0 agree with k-means. τ, the mean squared distance of a row to its centre,
 * keeps these probabilities soft whatever the scale of the code: unscaled, they are all but
 * one-hot and the clustering loss has nothing to learn from. All weights of the model are
 * updated in place.
 */
public final class Depict {
    private final DeepClusteringConfig config;
    private final double reconstructionWeight;

    /**
     * @param reconstructionWeight λ, the weight of the autoencoder's reconstruction loss (≥ 0)
     */
    public Depict(DeepClusteringConfig config, double reconstructionWeight) {
        if (!(reconstructionWeight >= 0) || Double.isInfinite(reconstructionWeight)) {
            throw new BottleneckException("the reconstruction weight must be a finite number ≥ 0, got "
                    + reconstructionWeight);
        }
        this.config = config;
        this.reconstructionWeight = reconstructionWeight;
    }

    /** Runs the joint training; see {@link Dec#fit} for the arguments. */
    public DeepClusteringResult fit(Autoencoder model, float[] scaled, int n, KMeansResult start, StopSignal stop,
            IntConsumer progress) {
        int k = start.k();
        int latent = TargetTraining.checkCentres(model, start);
        // τ: the k-means inertia per row
        float tau = (float) Math.max(start.inertia() / start.assignments().length, 1e-6);
        float[] theta = new float[latent * k];
        float[] bias = new float[k];
        for (int c = 0; c < k; c++) {
            float[] mu = start.centroids()[c];
            for (int l = 0; l < latent; l++) {
                theta[l * k + c] = 2 * mu[l] / tau;
                bias[c] -= mu[l] * mu[l] / tau;
            }
        }
        try (NDManager run = model.manager().newSubManager()) {
            Map<String, Parameter> params = new LinkedHashMap<>(model.parameters());
            NDArray w = run.create(theta, new Shape(latent, k));
            NDArray b = run.create(bias, new Shape(k));
            params.put("clustering.weight", TargetTraining.trainable("weight", w));
            params.put("clustering.bias", TargetTraining.trainable("bias", b));
            TargetTraining.Head head = new TargetTraining.Head() {
                @Override
                public Map<String, Parameter> parameters() {
                    return params;
                }

                @Override
                public NDArray probabilities(NDArray x, boolean training) {
                    return logP(TargetTraining.code(model, x, training), w, b).exp();
                }

                @Override
                public float[] target(float[] p, int rows, int k) {
                    double[] f = TargetTraining.clusterSizes(p, rows, k);
                    double[] q = new double[rows * k];
                    for (int i = 0; i < q.length; i++) {
                        q[i] = p[i] / Math.sqrt(Math.max(f[i % k], 1e-12));
                    }
                    return TargetTraining.normaliseRows(q, rows, k);
                }

                @Override
                public NDArray loss(NDArray x, NDArray target) {
                    Autoencoder.Forward f = model.forward(x, true);
                    NDArray clustering = Dec.klLoss(target, logP(f.code(), w, b));
                    return reconstructionWeight == 0 ? clustering
                            : clustering.add(f.reconstructionLoss().mul((float) reconstructionWeight));
                }
            };
            return TargetTraining.run(model, scaled, n, k, head, config, stop, progress);
        }
    }

    private static NDArray logP(NDArray z, NDArray w, NDArray b) {
        return z.matMul(w).add(b).logSoftmax(1);
    }
}
