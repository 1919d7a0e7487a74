package dev.bottleneck.prototype;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.nn.Conv2dBlock;
import dev.bottleneck.nn.ConvTranspose2d;

import java.util.List;

/**
 * The paper's convolutional autoencoder: strided convolutions whose last feature map, flattened,
 * is the code (no linear layer), mirrored by transposed convolutions. With the defaults — four
 * 3×3 stride-2 layers of 32, 32, 32, 10 maps and sigmoid activations, as in Li et al.'s reference
 * code — a 28×28 image becomes 2×2×10 = a 40-value code. Convolutions go through {@link
 * dev.bottleneck.nn.SafeConv} (via {@link Conv2dBlock} and {@link ConvTranspose2d}), which avoids
 * libtorch 2.7.1's wrong input gradients for output-map counts that are not multiples of 16.
 *
 * @param channels image channels
 * @param height image height
 * @param width image width
 * @param filters feature maps per convolution, outermost first; the last sets the code's depth
 * @param kernel square kernel size (padding is kernel/2, TensorFlow's "same" for odd kernels)
 * @param stride stride of every convolution
 * @param activation non-linearity after the hidden layers of encoder and decoder (the reference
 *     code: sigmoid; relu learns much faster, see BENCHMARKS.md)
 * @param code activation of the encoder's last layer, i.e. of the code (sigmoid: codes and
 *     prototypes live in [0, 1]ᵏ, as in the reference code)
 * @param output activation on the reconstruction ({@code sigmoid} for pixels in [0, 1])
 */
public record ConvCoderSpec(
        int channels, int height, int width, List<Integer> filters, int kernel, int stride,
        Activation activation, Activation code, Activation output) implements CoderSpec {

    /** The reference code's layer sizes. */
    public static final List<Integer> PAPER_FILTERS = List.of(32, 32, 32, 10);

    public ConvCoderSpec {
        filters = filters == null ? PAPER_FILTERS : List.copyOf(filters);
        activation = activation == null ? Activation.SIGMOID : activation;
        code = code == null ? Activation.SIGMOID : code;
        output = output == null ? Activation.SIGMOID : output;
    }

    /** The paper's encoder and decoder for images of the given shape, with hidden activations {@code hidden}. */
    public static ConvCoderSpec paper(int channels, int height, int width, Activation hidden) {
        return new ConvCoderSpec(channels, height, width, PAPER_FILTERS, 3, 2, hidden, Activation.SIGMOID, Activation.SIGMOID);
    }

    @Override
    public int inputWidth() {
        return channels * height * width;
    }

    @Override
    public int codeWidth() {
        int[] s = sizeAfter(filters.size());
        return filters.get(filters.size() - 1) * s[0] * s[1];
    }

    @Override
    public Shape exampleShape() {
        return new Shape(channels, height, width);
    }

    @Override
    public int[] imageShape() {
        return new int[] {channels, height, width};
    }

    private int padding() {
        return kernel / 2;
    }

    /** Spatial size after i convolutions (i = 0 is the input). */
    @JsonIgnore
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
        check(channels >= 1, "image channels must be a positive whole number, got " + channels);
        check(height >= 1 && width >= 1, "image height and width must be positive, got " + height + "×" + width);
        check(kernel >= 1, "kernel size must be a positive whole number, got " + kernel);
        check(stride >= 1, "stride must be a positive whole number, got " + stride);
        check(!filters.isEmpty(), "convolution filters must list at least one layer");
        for (int i = 0; i < filters.size(); i++) {
            Integer f = filters.get(i);
            check(f != null && f > 0, "convolution filters must all be positive whole numbers, but entry " + (i + 1) + " is " + f);
        }
        int[] s = sizeAfter(filters.size());
        check(s[0] >= 1 && s[1] >= 1, "the image (" + height + "×" + width + ") is too small for " + filters.size()
                + " convolutions of stride " + stride);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new BottleneckException(message);
        }
    }

    @Override
    public SequentialBlock newEncoder() {
        SequentialBlock b = new SequentialBlock();
        for (int i = 0; i < filters.size(); i++) {
            b.add(new Conv2dBlock(filters.get(i), kernel, stride, padding()));
            b.add((i == filters.size() - 1 ? code : activation).block());
        }
        b.add(Blocks.batchFlattenBlock());
        return b;
    }

    @Override
    public SequentialBlock newDecoder() {
        int n = filters.size();
        int[] inner = sizeAfter(n);
        int maps = filters.get(n - 1);
        SequentialBlock b = new SequentialBlock();
        b.add(LambdaBlock.singleton(a -> a.reshape(-1, maps, inner[0], inner[1]), "unflatten"));
        for (int i = n - 1; i >= 0; i--) {
            int[] from = sizeAfter(i + 1);
            int[] to = sizeAfter(i);
            int outMaps = i == 0 ? channels : filters.get(i - 1);
            // output_padding lands each transposed convolution exactly on the encoder's size (7, not 8)
            int outPadH = to[0] - ((from[0] - 1) * stride - 2 * padding() + kernel);
            int outPadW = to[1] - ((from[1] - 1) * stride - 2 * padding() + kernel);
            b.add(new ConvTranspose2d(outMaps, kernel, stride, padding(), outPadH, outPadW));
            b.add((i > 0 ? activation : output).block());
        }
        return b;
    }
}
