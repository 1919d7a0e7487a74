package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes an SAE in SAELens' layout so a Python user can load it: {@code sae_weights.safetensors}
 * with {@code W_enc} (d_in, d_sae), {@code W_dec} (d_sae, d_in), {@code b_enc}, {@code b_dec},
 * and {@code cfg.json}. Our SAEs work on activations scaled by s = √d / mean‖x‖; the export
 * folds s into the weights (W_enc·s, W_dec/s, b_dec/s) so that it reads raw activations and says
 * {@code normalize_activations: none}. TopK keeps the same latents since pre-activations are
 * unchanged.
 */
public final class SaeLensExport {
    public static final String WEIGHTS = "sae_weights.safetensors";
    public static final String CONFIG = "cfg.json";

    private SaeLensExport() {}

    public static void write(SparseAutoencoder sae, String datasetPath, Path dir, boolean overwrite) {
        SaeConfig c = sae.config();
        float s = (float) c.scale();
        byte[] weights;
        try (NDManager m = sae.manager().newSubManager()) {
            NDList list = new NDList(
                    named(sae.array("W_enc").mul(s), "W_enc", m),
                    named(sae.array("W_dec").div(s), "W_dec", m),
                    named(sae.array("b_enc").duplicate(), "b_enc", m),
                    named(sae.array("b_dec").div(s), "b_dec", m));
            weights = list.encode(NDList.Encoding.SAFETENSORS);
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("architecture", c.architecture() == SaeArchitecture.TOPK ? "topk" : "standard");
        cfg.put("d_in", c.dIn());
        cfg.put("d_sae", c.dSae());
        if (c.architecture() == SaeArchitecture.TOPK) {
            cfg.put("k", c.k());
            cfg.put("activation_fn", "topk");
            cfg.put("activation_fn_kwargs", Map.of("k", c.k()));
        } else {
            cfg.put("activation_fn", "relu");
            cfg.put("activation_fn_kwargs", Map.of());
        }
        cfg.put("apply_b_dec_to_input", true);
        cfg.put("normalize_activations", "none");
        cfg.put("dtype", "float32");
        cfg.put("device", "cpu");
        cfg.put("model_name", c.model());
        cfg.put("hook_name", c.hook());
        cfg.put("hook_layer", Integer.parseInt(c.hook().replaceAll("^blocks\\.(\\d+)\\..*$", "$1")));
        cfg.put("hook_head_index", null);
        cfg.put("prepend_bos", false);
        cfg.put("dataset_path", datasetPath);
        cfg.put("context_size", 256);
        cfg.put("sae_lens_training_version", null);
        cfg.put("neuronpedia_id", null);
        cfg.put("model_from_pretrained_kwargs", Map.of());
        cfg.put("metadata", Map.of("exported_by", "bottleneck", "activation_scale_folded_in", c.scale()));
        AtomicFiles.writeDirectory(dir, overwrite, tmp -> {
            Files.write(tmp.resolve(WEIGHTS), weights);
            Json.mapper().writeValue(tmp.resolve(CONFIG).toFile(), cfg);
        });
    }

    private static NDArray named(NDArray a, String name, NDManager m) {
        a.attach(m);
        a.setName(name);
        return a;
    }
}
