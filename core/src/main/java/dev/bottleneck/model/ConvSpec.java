package dev.bottleneck.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.nn.Conv2dBlock;
import dev.bottleneck.nn.ConvTranspose2d;

import java.util.List;

/**
 * A convolutional autoencoder for images: strided 2-D convolutions down to a linear code, mirrored
 * with transposed convolutions. With filters (32, 64), kernel 3, stride 2 on 1×28×28 this is
 * conv 1→32 → conv 32→64 → linear 3136→latent, and back — the same layer order (and so the same
 * tensor indices) as the equivalent {@code nn.Sequential} in PyTorch.
 *
 * @param channels image channels
 * @param height image height
 * @param width image width
 * @param filters feature maps per convolution, outermost first
 * @param kernel square kernel size (odd; padding is kernel/2)
 * @param stride stride of every convolution
 * @param latent code width
 * @param activation non-linearity between layers
 * @param batchNorm whether convolutions are batch-normalised
 * @param output activation on the reconstruction ({@code sigmoid} for pixels in [0, 1])
 */
public record ConvSpec(
        int channels,
        int height,
        int width,
        List<Integer> filters,
        int kernel,
        int stride,
        int latent,
        Activation activation,
        boolean batchNorm,
        Activation output)
        implements ArchitectureSpec {

    public ConvSpec {
        filters = filters == null ? List.of() : List.copyOf(filters);
        activation = activation == null ? Activation.RELU : activation;
        output = output == null ? Activation.SIGMOID : output;
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonIgnore
    public int inputWidth() {
        return channels * height * width;
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Shape exampleShape() {
        return new Shape(channels, height, width);
    }

    private int padding() {
        return kernel / 2;
    }

    /** Spatial size after i convolutions (i = 0 is the input). */
    int[] sizeAfter(int i) {
        int h = height;
        int w = width;
        for (int k = 0; k < i; k++) {
            h = (h + 2 * padding() - kernel) / stride + 1;
            w = (w + 2 * padding() - kernel) / stride + 1;
        }
        return new int[] {h, w};
    }

    @Override
    public void validate() {
        Specs.positive("image channels", channels);
        Specs.positive("image height", height);
        Specs.positive("image width", width);
        Specs.positive("latent size", latent);
        Specs.positive("kernel size", kernel);
        Specs.positive("stride", stride);
        Specs.positiveAll("convolution filters", filters);
        if (filters.isEmpty()) {
            throw new BottleneckException("convolution filters must list at least one layer");
        }
        int[] s = sizeAfter(filters.size());
        if (s[0] < 1 || s[1] < 1) {
            throw new BottleneckException(
                    "the image ("
                            + height
                            + "×"
                            + width
                            + ") is too small for "
                            + filters.size()
                            + " convolutions of stride "
                            + stride);
        }
    }

    @Override
    public SequentialBlock newEncoder(int encoderOutputWidth) {
        SequentialBlock b = new SequentialBlock();
        for (int f : filters) {
            b.add(new Conv2dBlock(f, kernel, stride, padding()));
            if (batchNorm) {
                b.add(BatchNorm.builder().build());
            }
            b.add(activation.block());
        }
        b.add(Blocks.batchFlattenBlock());
        b.add(Linear.builder().setUnits(encoderOutputWidth).build());
        return b;
    }

    @Override
    public SequentialBlock newDecoder(int outputsPerValue) {
        int n = filters.size();
        int[] inner = sizeAfter(n);
        int innerMaps = filters.get(n - 1);
        SequentialBlock b = new SequentialBlock();
        b.add(Linear.builder().setUnits((long) innerMaps * inner[0] * inner[1]).build());
        b.add(activation.block());
        b.add(
                LambdaBlock.singleton(
                        a -> a.reshape(-1, innerMaps, inner[0], inner[1]), "unflatten"));
        for (int i = n - 1; i >= 0; i--) {
            int[] from = sizeAfter(i + 1);
            int[] to = sizeAfter(i);
            int outMaps = i == 0 ? channels * outputsPerValue : filters.get(i - 1);
            // output_padding makes each transposed convolution land exactly on the encoder's size
            int outPadH = to[0] - ((from[0] - 1) * stride - 2 * padding() + kernel);
            int outPadW = to[1] - ((from[1] - 1) * stride - 2 * padding() + kernel);
            b.add(new ConvTranspose2d(outMaps, kernel, stride, padding(), outPadH, outPadW));
            if (i > 0) {
                if (batchNorm) {
                    b.add(BatchNorm.builder().build());
                }
                b.add(activation.block());
            }
        }
        if (output != Activation.NONE) {
            b.add(output.block());
        }
        return b;
    }
}
