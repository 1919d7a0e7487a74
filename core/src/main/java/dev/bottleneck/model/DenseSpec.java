package dev.bottleneck.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import dev.bottleneck.nn.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * A fully connected (stacked) autoencoder: d → hidden… → latent, mirrored back to d. Each hidden
 * layer is Linear → [BatchNorm] → activation → [Dropout], the order PyOD's AutoEncoder uses.
 *
 * @param inputWidth values per row
 * @param hidden encoder hidden widths, outermost first (the decoder mirrors them)
 * @param latent code width
 * @param activation non-linearity between layers
 * @param batchNorm whether hidden layers are batch-normalised
 * @param dropout dropout rate after each hidden layer, in [0, 1)
 * @param output activation of the decoder's last layer ({@code none} for standardised data,
 *     {@code sigmoid} for data in [0, 1])
 */
public record DenseSpec(
        int inputWidth,
        List<Integer> hidden,
        int latent,
        Activation activation,
        boolean batchNorm,
        double dropout,
        Activation output)
        implements ArchitectureSpec {

    public DenseSpec {
        hidden = hidden == null ? List.of() : List.copyOf(hidden);
        activation = activation == null ? Activation.RELU : activation;
        output = output == null ? Activation.NONE : output;
    }

    /**
     * Hidden widths that scale with the input: PyOD's 64-32 anchor for narrow tables, 512-128
     * for wide inputs such as images; layers not wider than the code are dropped.
     */
    public static List<Integer> defaultHidden(int inputWidth, int latent) {
        List<Integer> base = inputWidth >= 256 ? List.of(512, 128) : List.of(64, 32);
        List<Integer> out = new ArrayList<>();
        for (int h : base) {
            if (h > latent) {
                out.add(h);
            }
        }
        return out;
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Shape exampleShape() {
        return new Shape(inputWidth);
    }

    @Override
    public void validate() {
        Specs.positive("input width", inputWidth);
        Specs.positive("latent size", latent);
        Specs.positiveAll("hidden layer sizes", hidden);
        Specs.fraction("dropout", dropout, false);
    }

    @Override
    public SequentialBlock newEncoder(int encoderOutputWidth) {
        SequentialBlock b = new SequentialBlock();
        for (int h : hidden) {
            addHidden(b, h);
        }
        b.add(Linear.builder().setUnits(encoderOutputWidth).build());
        return b;
    }

    @Override
    public SequentialBlock newDecoder(int outputsPerValue) {
        SequentialBlock b = new SequentialBlock();
        for (int i = hidden.size() - 1; i >= 0; i--) {
            addHidden(b, hidden.get(i));
        }
        b.add(Linear.builder().setUnits((long) inputWidth * outputsPerValue).build());
        if (output != Activation.NONE) {
            b.add(output.block());
        }
        return b;
    }

    private void addHidden(SequentialBlock b, int width) {
        b.add(Linear.builder().setUnits(width).build());
        if (batchNorm) {
            b.add(BatchNorm.builder().build());
        }
        b.add(activation.block());
        if (dropout > 0) {
            b.add(Dropout.builder().optRate((float) dropout).build());
        }
    }
}
