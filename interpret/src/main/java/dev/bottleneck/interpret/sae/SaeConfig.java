package dev.bottleneck.interpret.sae;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.interpret.HookPoint;

/**
 * The shape and sparsity settings of a sparse autoencoder over one hook's activations, or of a
 * transcoder that reads one hook and predicts another ({@code targetHook}, e.g. an MLP's input
 * and output). Inputs are multiplied by {@code scale} (the store's √d / mean‖x‖) before encoding;
 * a transcoder's outputs live in the target's scaled space ({@code targetScale}).
 *
 * @param dOut width of what the decoder writes: d_in for an SAE, the target hook's for a transcoder
 * @param k active latents per token (TopK, gradient TopK; the mean over a batch for BatchTopK)
 * @param auxK latents the AuxK loss may use to explain the residual (TopK family; OpenAI use d_in/2)
 * @param auxKCoefficient weight of the AuxK loss (1/32 in Gao et al.)
 * @param deadTokens a latent that has not fired for this many training tokens counts as dead
 * @param l1Coefficient weight of Σ z_i·‖W_dec,i‖ (ReLU)
 * @param targetHook the hook a transcoder predicts; null for an SAE, which reconstructs its input
 * @param targetScale the target's activation scale (equal to {@code scale} for an SAE)
 * @param l0Coefficient λ, weight of the mean number of active latents per token (JumpReLU)
 * @param bandwidth ε, width of the rectangle kernel of JumpReLU's pseudo-derivatives
 * @param initialThreshold every latent's θ at initialisation (JumpReLU), in scaled units
 * @param gradientWeight β of gradient TopK: latents are ranked by z·(1 + β·|⟨∇, W_dec,i⟩|)
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
        long seed,
        int dOut,
        String targetHook,
        double targetScale,
        double l0Coefficient,
        double bandwidth,
        double initialThreshold,
        double gradientWeight) {

    /** Files written before transcoders and the later variants lack the new fields: fill them in. */
    public SaeConfig {
        if (dOut <= 0) {
            dOut = dIn;
        }
        if (targetScale <= 0) {
            targetScale = scale;
        }
    }

    /** True when the decoder predicts another hook than the encoder reads. */
    @JsonIgnore
    public boolean isTranscoder() {
        return targetHook != null;
    }

    /** The hook whose activations the decoder's output stands for. */
    public String outputHook() {
        return isTranscoder() ? targetHook : hook;
    }

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
        private double l1Coefficient = 2.0;
        private String hook;
        private String model = "";
        private double scale = 1;
        private long seed = 42;
        private int dOut;
        private String targetHook;
        private double targetScale;
        private double l0Coefficient = 0.002;
        private double bandwidth = 0.05;
        private double initialThreshold = 1.0;
        private double gradientWeight = 1.0;

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

        /** Makes a transcoder: the decoder predicts {@code hook} (width {@code dOut}, store scale {@code scale}). */
        public Builder optTarget(String hook, int dOut, double scale) {
            this.targetHook = hook;
            this.dOut = dOut;
            this.targetScale = scale;
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

        /**
         * ReLU's L1 weight (default 2: L0 35 on MiniLM block 3 with sae train's defaults, near the
         * TopK family's default k of 32; BENCHMARKS.md).
         */
        public Builder optL1Coefficient(double c) {
            this.l1Coefficient = c;
            return this;
        }

        /**
         * JumpReLU's λ (default 0.002: L0 25 on MiniLM block 3 with sae train's defaults, near the
         * TopK family's default k of 32; BENCHMARKS.md). The reconstruction term is an FVU, so λ
         * prices one active latent per token in units of the batch's variance: a latent is worth
         * keeping where it removes more than λ of it.
         */
        public Builder optL0Coefficient(double c) {
            this.l0Coefficient = c;
            return this;
        }

        /** JumpReLU's ε (default 0.05, in the scaled space where coordinates have RMS about 1). */
        public Builder optBandwidth(double e) {
            this.bandwidth = e;
            return this;
        }

        /**
         * JumpReLU's θ at the start (default 1, in scaled units). It matters: Adam moves log θ by
         * about the learning rate per step, so θ travels a factor e⁴ at most in 2000 steps at
         * 2e-3. With the defaults, 300 steps on MiniLM block 3's residual stream gave L0 ≈ 30.
         */
        public Builder optInitialThreshold(double t) {
            this.initialThreshold = t;
            return this;
        }

        /** Gradient TopK's β (default 1; 0 is plain TopK). */
        public Builder optGradientWeight(double b) {
            this.gradientWeight = b;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public SaeConfig build() {
            check(architecture != null, "architecture must not be null");
            check(dIn >= 1, "d_in must be ≥ 1, got " + dIn);
            check(dSae >= 1, "d_sae must be ≥ 1, got " + dSae);
            check(hook != null && !hook.isBlank(), "hook must be set (setHook)");
            check(scale > 0 && Double.isFinite(scale), "scale must be > 0, got " + scale);
            int out = dIn;
            if (targetHook != null) {
                HookPoint from = HookPoint.parse(hook);
                HookPoint to = HookPoint.parse(targetHook);
                check(from.comesBefore(to), "a transcoder's target hook must come after the hook it reads, got "
                        + hook + " → " + targetHook);
                check(dOut >= 1, "the target's width must be ≥ 1, got " + dOut);
                check(targetScale > 0 && Double.isFinite(targetScale), "target scale must be > 0, got " + targetScale);
                check(architecture != SaeArchitecture.GTOPK, "gradient TopK is for SAEs only, not transcoders");
                out = dOut;
            }
            int aux = auxK < 0 ? Math.min(dSae, Math.max(1, dIn / 2)) : auxK;
            if (architecture.usesK()) {
                check(k >= 1 && k <= dSae, "k must be in 1..d_sae (" + dSae + "), got " + k);
                check(aux >= 0 && aux <= dSae, "aux_k must be in 0..d_sae (" + dSae + "), got " + aux);
                check(auxKCoefficient >= 0, "aux_k coefficient must be ≥ 0, got " + auxKCoefficient);
            }
            if (architecture == SaeArchitecture.RELU) {
                check(l1Coefficient >= 0 && Double.isFinite(l1Coefficient), "l1 coefficient must be ≥ 0, got " + l1Coefficient);
            }
            if (architecture == SaeArchitecture.JUMPRELU) {
                check(l0Coefficient >= 0 && Double.isFinite(l0Coefficient), "l0 coefficient must be ≥ 0, got " + l0Coefficient);
                check(bandwidth > 0 && Double.isFinite(bandwidth), "bandwidth must be > 0, got " + bandwidth);
                check(initialThreshold > 0 && Double.isFinite(initialThreshold),
                        "initial threshold must be > 0 (θ = exp(log θ)), got " + initialThreshold);
            }
            if (architecture == SaeArchitecture.GTOPK) {
                check(gradientWeight >= 0 && Double.isFinite(gradientWeight), "gradient weight must be ≥ 0, got " + gradientWeight);
            }
            check(deadTokens >= 1, "dead tokens must be ≥ 1, got " + deadTokens);
            return new SaeConfig(architecture, dIn, dSae, k, aux, auxKCoefficient, deadTokens, l1Coefficient, hook,
                    model, scale, seed, out, targetHook, targetHook == null ? scale : targetScale, l0Coefficient,
                    bandwidth, initialThreshold, gradientWeight);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new BottleneckException(message);
            }
        }
    }
}
