package dev.bottleneck.interpret.sae;

import dev.bottleneck.BottleneckException;

/**
 * The shape and sparsity settings of a sparse autoencoder over one hook's activations.
 * Activations are multiplied by {@code scale} (the store's √d / mean‖x‖) before encoding.
 *
 * @param k active latents per token (TopK)
 * @param auxK latents the AuxK loss may use to explain the residual (TopK; OpenAI use d_in/2)
 * @param auxKCoefficient weight of the AuxK loss (1/32 in Gao et al.)
 * @param deadTokens a latent that has not fired for this many training tokens counts as dead
 * @param l1Coefficient weight of Σ z_i·‖W_dec,i‖ (ReLU)
 */
public record SaeConfig(
        SaeArchitecture architecture,
        int dIn,
        int dSae,
        int k,
        int auxK,
        double auxKCoefficient,
        long deadTokens,
        double l1Coefficient,
        String hook,
        String model,
        double scale,
        long seed) {

    public static Builder builder() {
        return new Builder();
    }

    /** {@code set*} are required; the rest have the usual defaults. */
    public static final class Builder {
        private SaeArchitecture architecture = SaeArchitecture.TOPK;
        private int dIn;
        private int dSae;
        private int k = 32;
        private int auxK = -1;
        private double auxKCoefficient = 1.0 / 32;
        private long deadTokens = 1_000_000;
        private double l1Coefficient = 5.0;
        private String hook;
        private String model = "";
        private double scale = 1;
        private long seed = 42;

        public Builder setShape(int dIn, int dSae) {
            this.dIn = dIn;
            this.dSae = dSae;
            return this;
        }

        /** The hook the SAE reads and the activation scale of its store. */
        public Builder setHook(String hook, String model, double scale) {
            this.hook = hook;
            this.model = model;
            this.scale = scale;
            return this;
        }

        public Builder optArchitecture(SaeArchitecture a) {
            this.architecture = a;
            return this;
        }

        public Builder optK(int k) {
            this.k = k;
            return this;
        }

        public Builder optAuxK(int auxK) {
            this.auxK = auxK;
            return this;
        }

        public Builder optAuxKCoefficient(double c) {
            this.auxKCoefficient = c;
            return this;
        }

        public Builder optDeadTokens(long n) {
            this.deadTokens = n;
            return this;
        }

        public Builder optL1Coefficient(double c) {
            this.l1Coefficient = c;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public SaeConfig build() {
            check(dIn >= 1, "d_in must be ≥ 1, got " + dIn);
            check(dSae >= 1, "d_sae must be ≥ 1, got " + dSae);
            check(hook != null && !hook.isBlank(), "hook must be set (setHook)");
            check(scale > 0 && Double.isFinite(scale), "scale must be > 0, got " + scale);
            int aux = auxK < 0 ? Math.min(dSae, Math.max(1, dIn / 2)) : auxK;
            if (architecture == SaeArchitecture.TOPK) {
                check(k >= 1 && k <= dSae, "k must be in 1..d_sae (" + dSae + "), got " + k);
                check(aux >= 0 && aux <= dSae, "aux_k must be in 0..d_sae (" + dSae + "), got " + aux);
                check(auxKCoefficient >= 0, "aux_k coefficient must be ≥ 0, got " + auxKCoefficient);
            } else {
                check(l1Coefficient >= 0 && Double.isFinite(l1Coefficient), "l1 coefficient must be ≥ 0, got " + l1Coefficient);
            }
            check(deadTokens >= 1, "dead tokens must be ≥ 1, got " + deadTokens);
            return new SaeConfig(architecture, dIn, dSae, k, aux, auxKCoefficient, deadTokens, l1Coefficient, hook,
                    model, scale, seed);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new BottleneckException(message);
            }
        }
    }
}
