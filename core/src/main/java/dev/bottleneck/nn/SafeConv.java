package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The engine's 2-D convolution, with output maps padded to a multiple of 16.
 *
 * <p>Why: libtorch 2.7.1's CPU convolution (oneDNN) returns wrong input gradients — often NaN —
 * when the number of output maps is not a multiple of 16 (every stride-1 case we tried, and some
 * stride-2 ones), while forward values and weight gradients are right. Measured on this project's
 * machines with an adjoint test (⟨∇x, x⟩ = ⟨g, y⟩ for y = conv(x)), see SafeConvTest. Extra all-zero
 * filters make the engine take the correct path; their outputs are cut off again, so the result
 * and every gradient equal those of the plain convolution. The cost is the padded filters' share
 * of the work, which matters only for layers with few outputs (a decoder's last layer).
 */
public final class SafeConv {
    /** Output maps are padded up to a multiple of this. */
    static final int ALIGN = 16;

    private SafeConv() {}

    /** Cross-correlation of x (N, C, H, W) with w (O, C, kh, kw): PyTorch's F.conv2d without bias. */
    public static NDArray conv2d(NDArray x, NDArray w, int stride, int padH, int padW) {
        long o = w.getShape().get(0);
        long extra = (ALIGN - o % ALIGN) % ALIGN;
        NDArray wp = w;
        if (extra > 0) {
            Shape zs = new Shape(extra).addAll(w.getShape().slice(1));
            wp = w.concat(x.getManager().zeros(zs, w.getDataType()), 0);
        }
        NDArray y = Conv2d.conv2d(x, wp, null, new Shape(stride, stride), new Shape(padH, padW)).singletonOrThrow();
        return extra > 0 ? crop(y, 1, 0, o) : y;
    }

    /** a[from : from+length] along one axis (via split, whose backward pass is exact). */
    static NDArray crop(NDArray a, int axis, long from, long length) {
        long size = a.getShape().get(axis);
        if (from == 0 && length == size) {
            return a;
        }
        if (from == 0) {
            return a.split(new long[] {length}, axis).get(0);
        }
        return a.split(new long[] {from, from + length}, axis).get(1);
    }
}
