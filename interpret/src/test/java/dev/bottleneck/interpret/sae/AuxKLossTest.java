package dev.bottleneck.interpret.sae;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.engine.Engines;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The AuxK loss computed on the dead latents' columns only equals the definition: every latent
 * masked except the dead, the top aux_k of those kept, the whole code decoded.
 */
class AuxKLossTest {
    @Test
    void theGatheredLossEqualsTheMaskedDenseOne() {
        int rows = 64;
        int latents = 96;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            Random r = new Random(3);
            float[] pre = new float[rows * latents];
            for (int i = 0; i < pre.length; i++) {
                pre[i] = (float) r.nextGaussian();
            }
            float[] e = new float[rows * 16];
            for (int i = 0; i < e.length; i++) {
                e[i] = (float) r.nextGaussian();
            }
            boolean[] deadMask = new boolean[latents];
            int numDead = 0;
            for (int j = 0; j < latents; j += 7) {
                deadMask[j] = true;
                numDead++;
            }
            NDArray preA = m.create(pre, new Shape(rows, latents));
            NDArray eA = m.create(e, new Shape(rows, 16));
            NDArray dead = m.create(deadMask);
            NDArray variance = m.create(3.5f);
            // aux_k below the dead count (the top-k among dead latents) and above it (all of them)
            for (int auxK : new int[] {5, 64}) {
                SaeConfig c = SaeConfig.builder().setShape(16, latents).setHook("blocks.0.hook_resid_post", "synthetic", 1)
                        .optK(4).optAuxK(auxK).optSeed(1).build();
                try (SparseAutoencoder sae = SparseAutoencoder.create(c, m, null)) {
                    float got = SaeTrainer.auxK(sae, preA, dead, eA, variance, numDead).getFloat();
                    int kAux = Math.min(auxK, numDead);
                    NDArray masked = preA.add(dead.toType(DataType.FLOAT32, false).sub(1f).mul(1e30f));
                    NDArray code = ai.djl.nn.Activation.relu(SparseAutoencoder.keepTop(masked, kAux));
                    NDArray eHat = code.matMul(sae.array("W_dec"));
                    float want = eHat.add(eA).square().sum().div(variance).mul(Math.min(1f, numDead / (float) kAux)).getFloat();
                    assertEquals(want, got, 1e-4 * Math.abs(want), "aux_k " + auxK);
                }
            }
        }
    }
}
