package dev.bottleneck.interpret.sae;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.bottleneck.engine.Engines;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AuxKLoss adds by hand what autograd gives for the definition: every latent masked except the
 * dead, the top aux_k of those kept, the whole code decoded, the (detached) error added, squared,
 * summed, divided by the variance and weighted. Checked for the loss and for the gradients of all
 * four parameters, for an SAE (whose b_dec enters the encoder) and a transcoder (whose does not),
 * with aux_k below and above the dead count.
 */
class AuxKLossTest {
    static final int ROWS = 64;
    static final int D_IN = 16;
    static final int LATENTS = 96;
    static final String[] PARAMS = {"W_enc", "b_enc", "W_dec", "b_dec"};

    @Test
    void handWrittenGradientsEqualAutogradOfTheDefinition() {
        for (boolean transcoder : new boolean[] {false, true}) {
            for (int auxK : new int[] {5, 64}) {
                check(transcoder, auxK);
            }
        }
    }

    private static void check(boolean transcoder, int auxK) {
        String what = (transcoder ? "transcoder" : "SAE") + ", aux_k " + auxK;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            Random r = new Random(3);
            NDArray x = m.create(gaussian(r, ROWS * D_IN), new Shape(ROWS, D_IN));
            NDArray e = m.create(gaussian(r, ROWS * D_IN), new Shape(ROWS, D_IN));
            boolean[] deadMask = new boolean[LATENTS];
            int numDead = 0;
            for (int j = 0; j < LATENTS; j += 7) {
                deadMask[j] = true;
                numDead++;
            }
            NDArray dead = m.create(deadMask);
            NDArray variance = m.create(3.5f);
            SaeConfig.Builder b = SaeConfig.builder().setShape(D_IN, LATENTS)
                    .setHook(transcoder ? "blocks.0.hook_mlp_in" : "blocks.0.hook_resid_post", "synthetic", 1)
                    .optK(4).optAuxK(auxK).optSeed(1);
            if (transcoder) {
                b.optTarget("blocks.0.hook_mlp_out", D_IN, 1);
            }
            SaeConfig c = b.build();
            float[] bias = gaussian(r, D_IN);
            try (SparseAutoencoder sae = SparseAutoencoder.create(c, m, bias, bias)) {
                // autograd of the definition
                float want;
                Map<String, float[]> wanted = new LinkedHashMap<>();
                try (GradientCollector gc = Engine.getEngine(Engines.ENGINE).newGradientCollector()) {
                    NDArray pre = sae.preActivations(x);
                    int kAux = Math.min(auxK, numDead);
                    NDArray masked = pre.add(dead.toType(DataType.FLOAT32, false).sub(1f).mul(1e30f));
                    NDArray code = ai.djl.nn.Activation.relu(SparseAutoencoder.keepTop(masked, kAux));
                    NDArray loss = code.matMul(sae.array("W_dec")).add(e).square().sum().div(variance)
                            .mul(Math.min(1f, numDead / (float) kAux) * (float) c.auxKCoefficient());
                    gc.backward(loss);
                    want = loss.getFloat();
                }
                for (String p : PARAMS) {
                    wanted.put(p, sae.array(p).getGradient().toFloatArray());
                    Engines.zeroGradient(sae.array(p));
                }
                // by hand, on zeroed gradients (as after a backward pass of a loss they do not enter)
                float got = AuxKLoss.addGradients(sae, x, sae.preActivations(x), dead, e, variance, numDead);
                assertEquals(want, got, 1e-4 * Math.abs(want), "loss, " + what);
                for (String p : PARAMS) {
                    float[] w = wanted.get(p);
                    float[] g = sae.array(p).getGradient().toFloatArray();
                    double scale = 0;
                    for (float v : w) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    assertTrue(scale > 0 || p.equals("b_dec") && transcoder, "no gradient reaches " + p + ", " + what);
                    for (int i = 0; i < w.length; i++) {
                        assertEquals(w[i], g[i], 1e-4 * scale + 1e-7, p + "[" + i + "], " + what);
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
