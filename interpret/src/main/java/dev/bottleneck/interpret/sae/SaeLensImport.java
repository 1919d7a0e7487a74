package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads an SAE saved in SAELens' layout ({@code cfg.json} + {@code sae_weights.safetensors}, as
 * {@link SaeLensExport} writes and SAELens' {@code save_model} does) into a {@link SparseAutoencoder}.
 *
 * <p>Architectures: {@code standard} → ReLU, {@code topk} → TopK (k from {@code k} or
 * {@code activation_fn_kwargs.k}), {@code jumprelu} → JumpReLU (log θ from {@code threshold}), and
 * the transcoder forms {@code transcoder}, {@code jumprelu_transcoder}, {@code topk_transcoder}.
 * An SAE with {@code apply_b_dec_to_input: false} has b_dec·W_enc folded into b_enc, since ours
 * always subtracts b_dec first; the pre-activations are the same. Weights in float16 or bfloat16
 * are widened to float32. Only {@code normalize_activations: none} is accepted: other modes need a
 * scaling factor that the files do not hold.
 *
 * <p>A file that {@link SaeLensExport} wrote comes back exactly as it was trained: the activation
 * scale it folded in (recorded in {@code metadata}) is taken out again and BatchTopK is restored
 * from its {@code jumprelu} form. Any other SAE works on raw activations (scale 1).
 */
public final class SaeLensImport {
    private SaeLensImport() {}

    /** The SAE in {@code dir}, its arrays in a sub-manager of {@code parent}. */
    public static SparseAutoencoder read(Path dir, NDManager parent) {
        Path cfgFile = dir.resolve(SaeLensExport.CONFIG);
        Path weightsFile = dir.resolve(SaeLensExport.WEIGHTS);
        if (!Files.isRegularFile(cfgFile) || !Files.isRegularFile(weightsFile)) {
            throw new BottleneckException(dir + " is not an SAE in SAELens' layout (expected " + SaeLensExport.CONFIG
                    + " and " + SaeLensExport.WEIGHTS + ")");
        }
        JsonNode cfg;
        byte[] bytes;
        try {
            cfg = Json.mapper().readTree(cfgFile.toFile());
            bytes = Files.readAllBytes(weightsFile);
        } catch (IOException e) {
            throw new BottleneckException("could not read " + dir + ": " + e.getMessage(), e);
        }
        Layout layout = Layout.of(cfg, cfgFile);
        SaeConfig config = layout.config();
        SparseAutoencoder sae = SparseAutoencoder.empty(config, parent);
        try (NDManager tmp = sae.manager().newSubManager()) {
            Map<String, NDArray> t = tensors(tmp, bytes, weightsFile);
            int dIn = config.dIn();
            int dSae = config.dSae();
            int dOut = config.dOut();
            NDArray wEnc = take(t, "W_enc", new Shape(dIn, dSae), weightsFile);
            NDArray bEnc = take(t, "b_enc", new Shape(dSae), weightsFile);
            NDArray wDec = take(t, "W_dec", new Shape(dSae, dOut), weightsFile);
            NDArray bDec = take(t, "b_dec", new Shape(dOut), weightsFile);
            NDArray threshold = layout.thresholded() ? take(t, "threshold", new Shape(dSae), weightsFile) : null;
            if (layout.bDecFold != 0) {
                // ours computes (x − b_dec)·W_enc + b_enc (SAE) or x·W_enc + b_enc (transcoder)
                bEnc = bEnc.add(bDec.reshape(1, dOut).matMul(wEnc).reshape(dSae).mul(layout.bDecFold));
            }
            // our weights work on activations × scale (1 unless the file came from SaeLensExport)
            float s = (float) config.scale();
            float so = (float) config.targetScale();
            NDArray[] values = {wEnc.div(s), bEnc, wDec.mul(so), bDec.mul(so)};
            String[] names = {"W_enc", "b_enc", "W_dec", "b_dec"};
            NoGrad.run(() -> {
                for (int i = 0; i < names.length; i++) {
                    sae.array(names[i]).set(values[i].toByteBuffer());
                }
                if (threshold != null) {
                    if (config.architecture() == SaeArchitecture.BATCHTOPK) {
                        sae.array("threshold").set(threshold.toByteBuffer());
                    } else {
                        // θ ≤ 0 lets every positive pre-activation through; the smallest positive float does the same
                        sae.array("log_threshold").set(threshold.maximum(Float.MIN_NORMAL).log().toByteBuffer());
                    }
                }
            });
        } catch (RuntimeException e) {
            sae.close();
            throw e;
        }
        return sae;
    }

    private static Map<String, NDArray> tensors(NDManager m, byte[] bytes, Path file) {
        NDList list;
        try {
            list = NDList.decode(m, bytes);
        } catch (RuntimeException e) {
            throw new BottleneckException(file + " is not a readable safetensors file (" + e.getMessage() + ")", e);
        }
        Map<String, NDArray> byName = new HashMap<>();
        for (NDArray a : list) {
            byName.put(a.getName(), a);
        }
        return byName;
    }

    private static NDArray take(Map<String, NDArray> t, String name, Shape shape, Path file) {
        NDArray a = t.get(name);
        if (a == null) {
            throw new BottleneckException(file + " has no tensor \"" + name + "\" (an SAELens SAE has W_enc, b_enc,"
                    + " W_dec, b_dec, and threshold for JumpReLU)");
        }
        if (!a.getShape().equals(shape)) {
            throw new BottleneckException(file + ": tensor \"" + name + "\" has shape " + a.getShape()
                    + " but cfg.json's sizes need " + shape);
        }
        return a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
    }

    /** What cfg.json says, checked, as our config plus how to fold b_dec into b_enc (0: no fold). */
    private record Layout(SaeConfig config, float bDecFold) {
        boolean thresholded() {
            return config.architecture() == SaeArchitecture.JUMPRELU || config.architecture() == SaeArchitecture.BATCHTOPK;
        }

        static Layout of(JsonNode cfg, Path file) {
            String arch = cfg.path("architecture").asText("standard");
            boolean transcoder = arch.endsWith("transcoder");
            String base = transcoder ? (arch.equals("transcoder") ? "standard" : arch.substring(0, arch.indexOf('_')))
                    : arch;
            SaeArchitecture a = switch (base) {
                case "standard" -> SaeArchitecture.RELU;
                case "topk" -> SaeArchitecture.TOPK;
                case "jumprelu" -> SaeArchitecture.JUMPRELU;
                default -> throw new BottleneckException(file + ": architecture \"" + arch + "\" cannot be imported"
                        + " (expected standard, topk, jumprelu, or their transcoder forms)");
            };
            String norm = cfg.path("normalize_activations").asText("none");
            if (!norm.equals("none") && !norm.equals("null")) {
                throw new BottleneckException(file + ": normalize_activations is \"" + norm + "\", but only \"none\""
                        + " can be imported (the scaling factor of other modes is not in the files)");
            }
            String fn = cfg.path("activation_fn").asText(a == SaeArchitecture.TOPK ? "topk" : "relu");
            if (a == SaeArchitecture.RELU && !fn.equals("relu")) {
                throw new BottleneckException(file + ": activation_fn \"" + fn + "\" cannot be imported (expected relu)");
            }
            int dIn = positive(cfg, "d_in", file);
            int dSae = positive(cfg, "d_sae", file);
            String hook = cfg.path("hook_name").asText("");
            if (hook.isBlank()) {
                throw new BottleneckException(file + " has no hook_name (expected the hook the SAE reads, e.g."
                        + " blocks.3.hook_resid_post)");
            }
            JsonNode meta = cfg.path("metadata");
            boolean ours = "bottleneck".equals(meta.path("exported_by").asText());
            double scale = ours ? meta.path("activation_scale_folded_in").asDouble(1) : 1;
            if (ours && a == SaeArchitecture.JUMPRELU && "batchtopk".equals(meta.path("trained_architecture").asText())) {
                a = SaeArchitecture.BATCHTOPK;
            }
            SaeConfig.Builder b = SaeConfig.builder().setShape(dIn, dSae)
                    .setHook(hook, cfg.path("model_name").asText(""), scale).optArchitecture(a);
            if (a == SaeArchitecture.TOPK) {
                int k = cfg.path("k").asInt(cfg.path("activation_fn_kwargs").path("k").asInt(0));
                if (k < 1) {
                    throw new BottleneckException(file + ": a topk SAE needs k ≥ 1 (cfg.json's k or"
                            + " activation_fn_kwargs.k)");
                }
                b.optK(k);
            }
            float fold;
            boolean applyBDec = cfg.path("apply_b_dec_to_input").asBoolean(!transcoder);
            if (transcoder) {
                String out = cfg.path("hook_name_out").asText("");
                if (out.isBlank()) {
                    throw new BottleneckException(file + ": a transcoder needs hook_name_out (the hook it predicts)");
                }
                int dOut = positive(cfg, "d_out", file);
                double targetScale = ours ? meta.path("target_activation_scale_folded_in").asDouble(1) : 1;
                b.optTarget(out, dOut, targetScale);
                if (applyBDec && dOut != dIn) {
                    throw new BottleneckException(file + ": apply_b_dec_to_input is true but d_in " + dIn + " ≠ d_out "
                            + dOut + ", so b_dec cannot be subtracted from the input");
                }
                fold = applyBDec ? -1 : 0;
            } else {
                fold = applyBDec ? 0 : 1;
            }
            try {
                return new Layout(b.build(), fold);
            } catch (BottleneckException e) {
                throw new BottleneckException(file + ": " + e.getMessage(), e);
            }
        }

        private static int positive(JsonNode cfg, String key, Path file) {
            int v = cfg.path(key).asInt(0);
            if (v < 1) {
                throw new BottleneckException(file + ": " + key + " must be a positive integer, got "
                        + (cfg.has(key) ? cfg.get(key).toString() : "nothing"));
            }
            return v;
        }
    }
}
