package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2-D transposed convolution with PyTorch's semantics and weight layout — weight (in, out, k,
 * k), bias (out), output size (H−1)·s − 2p + k + output_padding — built from engine operations.
 *
 * <p>Why not DJL's {@code Conv2dTranspose}: the PyTorch engine does not implement it ("Not
 * implemented" at the first forward pass). Why not zero-insertion followed by a convolution:
 * that wastes s² of the multiply-adds on zeros. This block uses the polyphase (sub-pixel)
 * identity instead: a stride-s transposed convolution equals one stride-1 convolution with s²·out
 * output maps, whose kernels are the s×s phases of the flipped weight, followed by a
 * depth-to-space shuffle and a crop. Every step (pad, flip, reshape, transpose, convolve, slice)
 * is an engine op with a gradient, so autograd trains it like any layer.
 */
public final class ConvTranspose2d extends AbstractBlock {
    private final int filters;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int outPadH;
    private final int outPadW;
    private final Parameter weight;
    private final Parameter bias;

    public ConvTranspose2d(int filters, int kernel, int stride, int padding, int outPadH, int outPadW) {
        if (filters < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("filters, kernel and stride must be ≥ 1 and padding ≥ 0");
        }
        if (outPadH < 0 || outPadW < 0 || outPadH >= stride || outPadW >= stride) {
            throw new IllegalArgumentException("output padding must be in [0, stride), got " + outPadH + ", " + outPadW);
        }
        this.filters = filters;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outPadH = outPadH;
        this.outPadW = outPadW;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    @Override
    public void prepare(Shape[] inputs) {
        long in = inputs[0].get(1);
        weight.setShape(new Shape(in, filters, kernel, kernel));
        bias.setShape(new Shape(filters));
    }

    private long outSize(long in, int outPad) {
        return (in - 1) * stride - 2L * padding + kernel + outPad;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), filters, outSize(s.get(2), outPadH), outSize(s.get(3), outPadW))};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return new NDList(forward(x, w, b, stride, padding, outPadH, outPadW));
    }

    /** The transposed convolution of x (N, in, H, W) by w (in, out, k, k) and bias b (out). */
    public static NDArray forward(NDArray x, NDArray w, NDArray b, int s, int p, int opH, int opW) {
        long n = x.getShape().get(0);
        long h = x.getShape().get(2);
        long wd = x.getShape().get(3);
        long cin = w.getShape().get(0);
        long cout = w.getShape().get(1);
        int k = (int) w.getShape().get(2);
        int m = (k + s - 1) / s; // taps per phase
        // phase kernels: pad the kernel to s·m, flip it, and split each spatial axis into (tap, phase)
        NDArray wp = s * m > k ? w.pad(new Shape(0, s * m - k, 0, s * m - k), 0) : w;
        NDArray phases =
                wp.flip(2, 3)
                        .reshape(cin, cout, m, s, m, s)
                        .flip(3, 5)
                        .transpose(1, 3, 5, 0, 2, 4)
                        .reshape(cout * s * s, cin, m, m);
        long outH = (h - 1) * s - 2L * p + k + opH;
        long outW = (wd - 1) * s - 2L * p + k + opW;
        int padH = convPadding(h, m, s, p, outH);
        int padW = convPadding(wd, m, s, p, outW);
        NDArray y = SafeConv.conv2d(x, phases, 1, padH, padW);
        long hq = y.getShape().get(2);
        long wq = y.getShape().get(3);
        // depth-to-space: channel (c, rh, rw) at (qh, qw) → pixel (qh·s + rh, qw·s + rw) of map c
        NDArray full = y.reshape(n, cout, s, s, hq, wq).transpose(0, 1, 4, 2, 5, 3).reshape(n, cout, hq * s, wq * s);
        long offH = p + (long) (padH - (m - 1)) * s;
        long offW = p + (long) (padW - (m - 1)) * s;
        // crops use split, whose backward pass is checked in ConvTranspose2dTest
        NDArray out = SafeConv.crop(SafeConv.crop(full, 2, offH, outH), 3, offW, outW);
        return b == null ? out : out.add(b.reshape(1, cout, 1, 1));
    }

    /**
     * Symmetric padding of the phase convolution: m−1 covers the output in most cases; one more
     * when output_padding reaches past it (kernel a multiple of the stride).
     */
    private static int convPadding(long in, int m, int s, int p, long out) {
        int pad = m - 1;
        long available = (in + 2L * pad - m + 1) * s;
        return p + out <= available ? pad : pad + 1;
    }
}
