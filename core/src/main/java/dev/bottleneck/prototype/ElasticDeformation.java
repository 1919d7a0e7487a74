package dev.bottleneck.prototype;

import dev.bottleneck.BottleneckException;

import java.util.Random;

/**
 * Elastic deformation of images (Simard, Steinkraus & Platt 2003), the augmentation Li et al.'s
 * reference code applies: a random displacement field, uniform in [−1, 1] per pixel and axis,
 * smoothed by a Gaussian of width σ (zero outside the image) and scaled by α; each image is then
 * resampled at the displaced positions with bilinear interpolation (zero outside).
 *
 * <p>Why plain Java and not engine operations: a 28×28 image needs ~10⁵ multiply-adds here
 * (separable smoothing, 33 taps for σ = 4), a few seconds per Fashion-MNIST epoch on one core —
 * small beside the network — and a loop over float arrays is easy to check, while the engine
 * route (a 33×33 convolution and a gather) would cost more than it saves at this size.
 *
 * @param sigma σ of the Gaussian smoothing, in pixels (paper: 4)
 * @param alpha α, the displacement scale, in pixels (paper: 20)
 */
public record ElasticDeformation(double sigma, double alpha) {
    /** The reference code's σ = 4, α = 20. */
    public static final ElasticDeformation PAPER = new ElasticDeformation(4, 20);

    public void validate() {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new BottleneckException("elastic deformation σ must be a finite number > 0 (pixels), got " + sigma);
        }
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new BottleneckException("elastic deformation α must be a finite number ≥ 0 (pixels), got " + alpha);
        }
    }

    /** The normalised Gaussian kernel, truncated at 4σ as scipy's gaussian_filter. */
    double[] kernel() {
        int r = (int) (4 * sigma + 0.5);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /**
     * Deforms {@code count} images stored one after another in {@code rows} (each {@code
     * channels·h·w} values, planar), in place; every channel of an image moves with the same field.
     */
    public void apply(float[] rows, int count, int channels, int h, int w, Random rng) {
        double[] k = kernel();
        double[] dx = new double[h * w];
        double[] dy = new double[h * w];
        double[] tmp = new double[h * w];
        float[] src = new float[h * w];
        int size = channels * h * w;
        for (int n = 0; n < count; n++) {
            field(dx, tmp, h, w, k, rng);
            field(dy, tmp, h, w, k, rng);
            for (int c = 0; c < channels; c++) {
                int off = n * size + c * h * w;
                System.arraycopy(rows, off, src, 0, h * w);
                resample(src, h, w, dx, dy, rows, off);
            }
        }
    }

    /** One smoothed, scaled random field into {@code f}. */
    private void field(double[] f, double[] tmp, int h, int w, double[] k, Random rng) {
        for (int i = 0; i < f.length; i++) {
            f[i] = rng.nextDouble() * 2 - 1;
        }
        int r = k.length / 2;
        for (int y = 0; y < h; y++) { // along rows
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int t = Math.max(-r, -x); t <= Math.min(r, w - 1 - x); t++) {
                    s += k[t + r] * f[y * w + x + t];
                }
                tmp[y * w + x] = s;
            }
        }
        for (int y = 0; y < h; y++) { // along columns
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int t = Math.max(-r, -y); t <= Math.min(r, h - 1 - y); t++) {
                    s += k[t + r] * tmp[(y + t) * w + x];
                }
                f[y * w + x] = s * alpha;
            }
        }
    }

    /** Bilinear sampling of {@code src} at (y + dy, x + dx), zero outside, into dst[off…]. */
    static void resample(float[] src, int h, int w, double[] dx, double[] dy, float[] dst, int off) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                double sy = y + dy[i];
                double sx = x + dx[i];
                int y0 = (int) Math.floor(sy);
                int x0 = (int) Math.floor(sx);
                double fy = sy - y0;
                double fx = sx - x0;
                double v = (1 - fy) * ((1 - fx) * at(src, h, w, y0, x0) + fx * at(src, h, w, y0, x0 + 1))
                        + fy * ((1 - fx) * at(src, h, w, y0 + 1, x0) + fx * at(src, h, w, y0 + 1, x0 + 1));
                dst[off + i] = (float) v;
            }
        }
    }

    private static float at(float[] img, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0f : img[y * w + x];
    }
}
