package dev.bottleneck.interpret;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HooksTest {
    static NDManager manager;
    static MiniLm model;
    static TokenBatch batch;

    @BeforeAll
    static void load() {
        model = SharedModel.model();
        manager = model.manager();
        batch = SharedModel.tokenizer().encode(List.of("Hooks read and replace activations.", "A short one."));
    }


    @Test
    void lastResidualIsTheOutputAndStoppingEarlyGivesTheSameActivation() {
        try (NDManager m = manager.newSubManager()) {
            NDList in = batch.toArrays(m);
            List<NDArray> seen = new ArrayList<>();
            NDArray out = model.forward(in.get(0), in.get(1),
                    Hooks.builder().read("blocks.5.hook_resid_post", seen::add).read("blocks.2.hook_mlp_in", seen::add).build());
            assertArrayEquals(out.toFloatArray(), seen.get(1).toFloatArray());
            NDArray early = model.forward(in.get(0), in.get(1), Hooks.builder().optStopAfter("blocks.2.hook_mlp_in").build());
            assertArrayEquals(seen.get(0).toFloatArray(), early.toFloatArray());
        }
    }

    @Test
    void mlpOutIsTheMlpOfMlpInAndResidPostFeedsTheNextResidPre() {
        try (NDManager m = manager.newSubManager()) {
            NDList in = batch.toArrays(m);
            NDArray[] got = new NDArray[4];
            model.forward(in.get(0), in.get(1), Hooks.builder()
                    .read("blocks.1.hook_mlp_in", a -> got[0] = a)
                    .read("blocks.1.hook_mlp_out", a -> got[1] = a)
                    .read("blocks.1.hook_resid_post", a -> got[2] = a)
                    .read("blocks.2.hook_resid_pre", a -> got[3] = a)
                    .build());
            assertArrayEquals(got[1].toFloatArray(), model.mlp(got[0], 1).toFloatArray(), 1e-5f);
            assertArrayEquals(got[2].toFloatArray(), got[3].toFloatArray());
        }
    }

    @Test
    void replacingAnActivationChangesWhatFollows() {
        try (NDManager m = manager.newSubManager()) {
            NDList in = batch.toArrays(m);
            float[] plain = model.forward(in.get(0), in.get(1)).toFloatArray();
            float[] same = model.forward(in.get(0), in.get(1),
                    Hooks.builder().replace("blocks.3.hook_attn_out", a -> a.mul(1f)).build()).toFloatArray();
            assertArrayEquals(plain, same, 0f);
            float[] ablated = model.forward(in.get(0), in.get(1),
                    Hooks.builder().replace("blocks.3.hook_attn_out", NDArray::zerosLike).build()).toFloatArray();
            assertFalse(java.util.Arrays.equals(plain, ablated));
            // Replacing the last residual stream replaces the output outright.
            float[] zero = model.forward(in.get(0), in.get(1),
                    Hooks.builder().replace("blocks.5.hook_resid_post", NDArray::zerosLike).build()).toFloatArray();
            for (float z : zero) {
                assertEquals(0f, z);
            }
        }
    }

    @Test
    void gradientsFlowThroughTheRestOfTheNetworkFromAReplacement() {
        try (NDManager m = manager.newSubManager()) {
            NDList in = batch.toArrays(m);
            Engines.seed(3);
            NDArray probe = m.randomNormal(new ai.djl.ndarray.types.Shape(batch.size(), batch.length(), 384));
            NDArray delta = m.zeros(new ai.djl.ndarray.types.Shape(384));
            delta.setRequiresGradient(true);
            float loss0;
            float[] grad;
            try (GradientCollector gc = Engine.getEngine(Engines.ENGINE).newGradientCollector()) {
                NDArray out = model.forward(in.get(0), in.get(1),
                        Hooks.builder().replace("blocks.3.hook_resid_post", a -> a.add(delta)).build());
                NDArray loss = out.mul(probe).sum();
                gc.backward(loss);
                loss0 = loss.getFloat();
                grad = delta.getGradient().toFloatArray();
            }
            int j = 0;
            for (int i = 1; i < grad.length; i++) {
                if (Math.abs(grad[i]) > Math.abs(grad[j])) {
                    j = i;
                }
            }
            assertTrue(grad[j] != 0f, "the replacement received no gradient");
            // Central finite difference on the steepest coordinate agrees with autograd.
            float h = 1e-2f;
            float up = lossWith(in, probe, j, h);
            float down = lossWith(in, probe, j, -h);
            double fd = (up - down) / (2 * h);
            assertEquals(grad[j], fd, 0.05 * Math.abs(grad[j]), "autograd " + grad[j] + " vs finite difference " + fd
                    + " (loss " + loss0 + ")");
        }
    }

    private static float lossWith(NDList in, NDArray probe, int j, float h) {
        try (NDManager m = manager.newSubManager()) {
            NDArray delta = m.zeros(new ai.djl.ndarray.types.Shape(384));
            delta.set(new ai.djl.ndarray.index.NDIndex(j), h);
            NDArray out = model.forward(in.get(0), in.get(1),
                    Hooks.builder().replace("blocks.3.hook_resid_post", a -> a.add(delta)).build());
            return out.mul(probe).sum().getFloat();
        }
    }

    @Test
    void badHookNamesAreRejectedWithTheAcceptedForms() {
        BottleneckException e = assertThrows(BottleneckException.class, () -> HookPoint.parse("blocks.3.hook_resid"));
        assertTrue(e.getMessage().contains("resid_post"), e.getMessage());
        try (NDManager m = manager.newSubManager()) {
            NDList in = batch.toArrays(m);
            BottleneckException late = assertThrows(BottleneckException.class, () -> model.forward(in.get(0), in.get(1),
                    Hooks.builder().read("blocks.6.hook_resid_post", a -> { }).build()));
            assertTrue(late.getMessage().contains("0..5"), late.getMessage());
        }
    }
}
