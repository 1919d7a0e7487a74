package dev.bottleneck.cluster;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.ActivationSpec;
import dev.bottleneck.bottleneck.IdentitySpec;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;
import dev.bottleneck.train.TrainingResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stacked (deep, fully connected) autoencoder d → w₁ → … → latent → … → d, trained the way
 * the stacked-autoencoder mapping and DEC papers do: optionally greedy layer-wise pre-training —
 * stage s is a one-hidden-layer autoencoder w_{s−1} → w_s → w_{s−1} trained on the codes of the
 * stage before it (Linear → activation, the innermost stage linear) — whose encoder and decoder
 * layers are then copied into the deep model, followed by end-to-end fine-tuning of the whole
 * stack. Both steps are the ordinary {@link Trainer}; the result is an ordinary {@link
 * Autoencoder}.
 */
public final class StackedAutoencoder {
    private final List<Integer> widths;
    private final Activation activation;
    private final Activation output;
    private final ScalerKind scaler;
    private final int pretrainEpochs;
    private final TrainingConfig training;
    private final TrainingListener listener;
    private final Device device;

    private StackedAutoencoder(Builder b) {
        this.widths = List.copyOf(b.widths);
        this.activation = b.activation;
        this.output = b.output;
        this.scaler = b.scaler;
        this.pretrainEpochs = b.pretrainEpochs;
        this.training = b.training;
        this.listener = b.listener;
        this.device = b.device;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What training produced.
     *
     * @param model the fine-tuned deep autoencoder (close it when done)
     * @param stages the pre-training run of each layer (empty without pre-training)
     * @param fineTuning the end-to-end run
     */
    public record Fit(Autoencoder model, List<TrainingResult> stages, TrainingResult fineTuning) {}

    /** The deep architecture for rows of {@code inputWidth} values. */
    public DenseSpec architecture(int inputWidth) {
        return new DenseSpec(inputWidth, widths.subList(0, widths.size() - 1), widths.get(widths.size() - 1),
                activation, false, 0, output);
    }

    /** Pre-trains (when asked), builds and fine-tunes the deep autoencoder on {@code data}. */
    public Fit fit(Table data) {
        Autoencoder deep = Autoencoder.builder().setArchitecture(architecture(data.cols())).optScaler(scaler)
                .optFamily("stacked").optDevice(device).optSeed(training.seed()).build();
        try {
            List<TrainingResult> stages = new ArrayList<>();
            if (pretrainEpochs > 0) {
                stages = pretrain(deep, data);
            }
            TrainingResult fine = Trainer.builder().setConfig(training).optListener(listener).build().fit(deep, data);
            return new Fit(deep, List.copyOf(stages), fine);
        } catch (RuntimeException e) {
            deep.close();
            throw e;
        }
    }

    private List<TrainingResult> pretrain(Autoencoder deep, Table data) {
        List<String> encoderLayers = linearLayers(deep.parameters(), "encoder.");
        List<String> decoderLayers = linearLayers(deep.parameters(), "decoder.");
        int stages = widths.size();
        List<TrainingResult> results = new ArrayList<>();
        Table input = data;
        TrainingConfig config = training.toBuilder().optEpochs(pretrainEpochs).build();
        for (int s = 0; s < stages; s++) {
            boolean innermost = s == stages - 1;
            DenseSpec spec = new DenseSpec(input.cols(), List.of(), widths.get(s), activation, false, 0,
                    s == 0 ? output : activation);
            try (Autoencoder stage = Autoencoder.builder().setArchitecture(spec)
                    .optBottleneck(innermost ? new IdentitySpec() : new ActivationSpec(activation))
                    .optScaler(s == 0 ? scaler : ScalerKind.NONE).optFamily("stacked-stage")
                    .optDevice(device).optSeed(training.seed() + 101L * (s + 1)).build()) {
                results.add(Trainer.builder().setConfig(config.toBuilder().optSeed(training.seed() + s).build())
                        .optListener(listener).build().fit(stage, input));
                copy(stage.parameters(), "encoder.0", deep.parameters(), encoderLayers.get(s));
                copy(stage.parameters(), "decoder.0", deep.parameters(), decoderLayers.get(stages - 1 - s));
                if (!innermost) {
                    input = Table.of(stage.encode(input));
                }
            }
        }
        return results;
    }

    /** Names (without ".weight") of the Linear layers under {@code prefix}, in order: their weights are 2-D. */
    private static List<String> linearLayers(Map<String, Parameter> params, String prefix) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(prefix) && k.endsWith(".weight") && e.getValue().getArray().getShape().dimension() == 2) {
                out.add(k.substring(0, k.length() - ".weight".length()));
            }
        }
        return out;
    }

    private static void copy(Map<String, Parameter> from, String fromLayer, Map<String, Parameter> to, String toLayer) {
        for (String t : new String[] {".weight", ".bias"}) {
            var src = from.get(fromLayer + t).getArray();
            var dst = to.get(toLayer + t).getArray();
            if (!src.getShape().equals(dst.getShape())) {
                throw new IllegalStateException("pre-trained " + fromLayer + t + " has shape " + src.getShape()
                        + " but " + toLayer + t + " needs " + dst.getShape());
            }
            dst.set(src.toByteBuffer());
        }
    }

    /**
     * DJL-style builder. {@code setWidths} (hidden widths then the code width, e.g. 500, 500,
     * 2000, 10 as in DEC) and {@code setTraining} (the fine-tuning run; pre-training uses the same
     * settings with its own epoch count) are required.
     */
    public static final class Builder {
        private List<Integer> widths;
        private Activation activation = Activation.RELU;
        private Activation output = Activation.NONE;
        private ScalerKind scaler = ScalerKind.STANDARD;
        private int pretrainEpochs;
        private TrainingConfig training;
        private TrainingListener listener = TrainingListener.NONE;
        private Device device = Device.cpu();

        public Builder setWidths(List<Integer> w) { widths = w; return this; }
        public Builder setTraining(TrainingConfig c) { training = c; return this; }
        public Builder optActivation(Activation a) { activation = a; return this; }
        /** The reconstruction's activation (sigmoid for pixels in [0, 1]). */
        public Builder optOutput(Activation a) { output = a; return this; }
        public Builder optScaler(ScalerKind k) { scaler = k; return this; }
        /** Epochs of greedy pre-training per layer; 0 (default) trains end to end only. */
        public Builder optPretrainEpochs(int e) { pretrainEpochs = e; return this; }
        public Builder optListener(TrainingListener l) { listener = l; return this; }
        public Builder optDevice(Device d) { device = d; return this; }

        public StackedAutoencoder build() {
            if (widths == null || widths.isEmpty()) {
                throw new BottleneckException("the layer widths must be given (hidden widths then the code width, e.g. 500,500,2000,10)");
            }
            for (Integer w : widths) {
                if (w == null || w < 1) {
                    throw new BottleneckException("layer widths must all be positive whole numbers, got " + widths);
                }
            }
            if (training == null) {
                throw new BottleneckException("a training config must be set (setTraining)");
            }
            if (pretrainEpochs < 0) {
                throw new BottleneckException("pre-training epochs must be 0 or more, got " + pretrainEpochs);
            }
            return new StackedAutoencoder(this);
        }
    }
}
