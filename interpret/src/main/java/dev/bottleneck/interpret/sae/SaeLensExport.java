package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.interpret.HookPoint;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes an SAE in SAELens' layout so a Python user can load it: {@code sae_weights.safetensors}
 * with {@code W_enc} (d_in, d_sae), {@code W_dec} (d_sae, d_out), {@code b_enc}, {@code b_dec}
 * (and {@code threshold} (d_sae) for JumpReLU and BatchTopK), and {@code cfg.json}. Our SAEs work
 * on activations scaled by s = √d / mean‖x‖; the export folds s into the weights (W_enc·s,
 * W_dec/s, b_dec/s; a transcoder's decoder side uses its target's scale) so that it reads raw
 * activations and says {@code normalize_activations: none}. Pre-activations are unchanged, so
 * TopK keeps the same latents and thresholds stay as they are.
 *
 * <p>Architectures, as SAELens names them: TopK → {@code topk}; ReLU → {@code standard};
 * JumpReLU → {@code jumprelu}; BatchTopK → {@code jumprelu} with its global threshold on every
 * latent (SAELens does the same); gradient TopK → {@code topk} (without a gradient it is TopK).
 * Transcoders: {@code transcoder} (ReLU), {@code jumprelu_transcoder} (JumpReLU, BatchTopK), with
 * {@code d_out}, {@code hook_name_out}, {@code hook_layer_out}. SAELens has no TopK transcoder, so
 * one is written as {@code topk_transcoder}: SAELens refuses it by name rather than loading it as
 * an SAE (which would subtract b_dec from the input); its tensors read with safetensors.
 */
public final class SaeLensExport {
    public static final String WEIGHTS = "sae_weights.safetensors";
    public static final String CONFIG = "cfg.json";

    private SaeLensExport() {}

    public static void write(SparseAutoencoder sae, String datasetPath, Path dir, boolean overwrite) {
        SaeConfig c = sae.config();
        float s = (float) c.scale();
        float so = (float) c.targetScale();
        byte[] weights;
        try (NDManager m = sae.manager().newSubManager()) {
            NDList list = new NDList(
                    named(sae.array("W_enc").mul(s), "W_enc", m),
                    named(sae.array("W_dec").div(so), "W_dec", m),
                    named(sae.array("b_enc").duplicate(), "b_enc", m),
                    named(sae.array("b_dec").div(so), "b_dec", m));
            NDArray threshold = sae.threshold(m);
            if (threshold != null) {
                list.add(named(threshold, "threshold", m));
            }
            weights = list.encode(NDList.Encoding.SAFETENSORS);
        }
        AtomicFiles.writeDirectory(dir, overwrite, tmp -> {
            Files.write(tmp.resolve(WEIGHTS), weights);
            Json.mapper().writeValue(tmp.resolve(CONFIG).toFile(), config(c, datasetPath));
        });
    }

    /** The SAELens architecture name of {@code c}. */
    static String architecture(SaeConfig c) {
        String base = switch (c.architecture()) {
            case TOPK, GTOPK -> "topk";
            case RELU -> "standard";
            case JUMPRELU, BATCHTOPK -> "jumprelu";
        };
        if (!c.isTranscoder()) {
            return base;
        }
        return base.equals("standard") ? "transcoder" : base + "_transcoder";
    }

    private static Map<String, Object> config(SaeConfig c, String datasetPath) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("architecture", architecture(c));
        cfg.put("d_in", c.dIn());
        cfg.put("d_sae", c.dSae());
        boolean topK = c.architecture() == SaeArchitecture.TOPK || c.architecture() == SaeArchitecture.GTOPK;
        if (topK) {
            cfg.put("k", c.k());
            cfg.put("activation_fn", "topk");
            cfg.put("activation_fn_kwargs", Map.of("k", c.k()));
        } else {
            cfg.put("activation_fn", "relu");
            cfg.put("activation_fn_kwargs", Map.of());
        }
        // a transcoder's b_dec lives in the target's space: it is never subtracted from the input
        cfg.put("apply_b_dec_to_input", !c.isTranscoder());
        cfg.put("normalize_activations", "none");
        cfg.put("dtype", "float32");
        cfg.put("device", "cpu");
        cfg.put("model_name", c.model());
        cfg.put("hook_name", c.hook());
        cfg.put("hook_layer", HookPoint.parse(c.hook()).layer());
        cfg.put("hook_head_index", null);
        if (c.isTranscoder()) {
            cfg.put("d_out", c.dOut());
            cfg.put("hook_name_out", c.targetHook());
            cfg.put("hook_layer_out", HookPoint.parse(c.targetHook()).layer());
            cfg.put("hook_head_index_out", null);
        }
        cfg.put("prepend_bos", false);
        cfg.put("dataset_path", datasetPath);
        cfg.put("context_size", 256);
        cfg.put("sae_lens_training_version", null);
        cfg.put("neuronpedia_id", null);
        cfg.put("model_from_pretrained_kwargs", Map.of());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("exported_by", "bottleneck");
        meta.put("trained_architecture", c.architecture().id());
        meta.put("activation_scale_folded_in", c.scale());
        if (c.isTranscoder()) {
            meta.put("target_activation_scale_folded_in", c.targetScale());
        }
        cfg.put("metadata", meta);
        return cfg;
    }

    private static NDArray named(NDArray a, String name, NDManager m) {
        a.attach(m);
        a.setName(name);
        return a;
    }
}
