package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;

/**
 * The AuxK loss (Gao et al.): the top aux_k dead latents' reconstruction of the SAE's (detached)
 * error, weighted by min(1, dead / aux_k) and divided by the batch's variance, as the FVU is.
 *
 * <p>Why its gradients are written out here instead of left to autograd: only the dead latents'
 * columns of the pre-activations and rows of the decoder take part, but autograd's backward of a
 * column gather builds a zero gradient as large as the whole (rows × latents) pre-activation
 * matrix and another as large as the decoder, and adds both to the main gradients: four passes
 * over the largest tensors of the step, a sixth of a batch-512 step's time on MiniLM block 3,
 * paid on every step with a dead latent. By hand the same gradients cost products of the
 * dead columns only, added in place to those columns of the parameters' gradients.
 *
 * <pre>
 *   a  = ReLU(top_aux_k(pre[:, dead]))           ê = a·W_dec[dead]        r = ê + e
 *   L  = c·w·Σ r² / var                          G = ∂L/∂ê = 2·c·w·r / var
 *   ∂L/∂W_dec[dead] = aᵀG          ∂L/∂pre[:, dead] = (G·W_dec[dead]ᵀ) ⊙ [a &gt; 0]
 *   pre = (x − b_dec)·W_enc + b_enc  ⇒  ∂W_enc[:, dead] = (x − b_dec)ᵀ∂pre, ∂b_enc[dead] = Σ_rows ∂pre,
 *                                       ∂b_dec = −W_enc[:, dead]·Σ_rows ∂pre   (a transcoder has no b_dec term)
 * </pre>
 */
final class AuxKLoss {
    private AuxKLoss() {}

    /**
     * Adds the AuxK loss's gradients (weighted by the config's AuxK coefficient) to the SAE's
     * parameter gradients, which a backward pass of the main loss has just filled. Arrays made
     * here belong to {@code x}'s manager.
     *
     * @param x the SAE's input rows (scaled)
     * @param pre the pre-activations of {@code x} (any gradient is ignored)
     * @param dead a boolean mask of the dead latents, with {@code numDead > 0} set
     * @param e the main reconstruction error x̂ − y
     * @param variance Σ‖y − ȳ‖² of the batch
     * @return the weighted loss c·L
     */
    static float addGradients(SparseAutoencoder sae, NDArray x, NDArray pre, NDArray dead, NDArray e,
            NDArray variance, int numDead) {
        return NoGrad.call(() -> apply(sae, x, pre, dead, e, variance, numDead));
    }

    private static float apply(SparseAutoencoder sae, NDArray x, NDArray pre, NDArray dead, NDArray e,
            NDArray variance, int numDead) {
        SaeConfig c = sae.config();
        int kAux = Math.min(c.auxK(), numDead);
        NDArray idx = dead.nonzero().reshape(-1);
        NDIndex columns = new NDIndex(":, {}", idx);
        NDIndex rows = new NDIndex("{}", idx);
        NDArray deadPre = pre.stopGradient().get(columns);
        NDArray a = Activation.relu(kAux < numDead ? SparseAutoencoder.keepTop(deadPre, kAux) : deadPre);
        NDArray decoder = sae.array("W_dec");
        NDArray deadDecoder = onStep(decoder.get(rows), x);
        NDArray r = a.matMul(deadDecoder).add(e.stopGradient());
        float weight = (float) c.auxKCoefficient() * Math.min(1f, numDead / (float) kAux);
        float scale = weight / variance.getFloat();
        float loss = r.square().sum().getFloat() * scale;

        NDArray g = r.mul(2f * scale);
        addAt(decoder.getGradient(), rows, a.transpose().matMul(g), x);
        NDArray dPre = g.matMul(deadDecoder.transpose()).mul(a.gt(0f));
        NDArray encoder = sae.array("W_enc");
        NDArray input = x.stopGradient();
        NDArray columnSums = dPre.sum(new int[] {0});
        if (!c.isTranscoder()) {
            input = input.sub(onStep(sae.array("b_dec").stopGradient(), x));
            onStep(sae.array("b_dec").getGradient(), x).subi(onStep(encoder.get(columns), x).matMul(columnSums));
        }
        addAt(encoder.getGradient(), columns, input.transpose().matMul(dPre), x);
        addAt(sae.array("b_enc").getGradient(), rows, columnSums, x);
        return loss;
    }

    /** gradient[at] += delta, in place. */
    private static void addAt(NDArray gradient, NDIndex at, NDArray delta, NDArray x) {
        onStep(gradient, x).set(at, gradient.get(at).add(delta));
    }

    /**
     * Made from a parameter, {@code a} would live on the SAE's manager until the run ends: it goes
     * with the step's arrays (those of {@code x}) instead.
     */
    private static NDArray onStep(NDArray a, NDArray x) {
        a.attach(x.getManager());
        return a;
    }
}
