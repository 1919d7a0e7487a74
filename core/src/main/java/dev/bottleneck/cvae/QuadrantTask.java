package dev.bottleneck.cvae;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * The image-completion task of Sohn et al. ("Learning Structured Output Representations using
 * Deep Conditional Generative Models", section 5.1): an image is cut into four quadrants, the
 * {@code given} ones are the input x and the pixels of the others are the output y.
 *
 * <p>Which quadrants are given, in this order: 1 = the bottom-left, 2 = the left half, 3 = every
 * quadrant but the top-right (our choice; the paper does not tie its numbers to a corner). A
 * {@link ConditionalVae} sees only flat (x, y) rows; this record turns images into such rows
 * ({@link #pairs}) and rows back into images ({@link #compose}), and is stored in the model's
 * {@code config.json} so that a saved model completes images without being told the task again.
 *
 * @param channels image channels (1 for Fashion-MNIST)
 * @param height image height, even
 * @param width image width, even
 * @param given number of given quadrants, 1 to 3
 */
public record QuadrantTask(int channels, int height, int width, int given) {
    /** Quadrants 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right, in the order they are given. */
    private static final int[] GIVEN_ORDER = {2, 0, 3};

    public QuadrantTask {
        if (given < 1 || given > 3) {
            throw new BottleneckException("the number of given quadrants must be 1, 2 or 3, got " + given);
        }
        if (channels < 1 || height < 2 || width < 2 || height % 2 != 0 || width % 2 != 0) {
            throw new BottleneckException("quadrant completion needs images with even height and width ≥ 2, got "
                    + channels + "×" + height + "×" + width);
        }
    }

    /** The task for the images of {@code images} (an IDX file's table), with {@code given} quadrants given. */
    public static QuadrantTask forImages(Table images, int given) {
        int[] s = images.imageShape().orElseThrow(() -> notImages(images));
        return new QuadrantTask(s[0], s[1], s[2], given);
    }

    private static BottleneckException notImages(Table t) {
        return new BottleneckException(t.source() + " holds rows of " + t.cols() + " columns, not images;"
                + " image completion needs IDX images (such as train-images-idx3-ubyte.gz)");
    }

    /** Pixels per image. */
    @JsonIgnore
    public int pixels() {
        return channels * height * width;
    }

    /** Width of x: the given pixels. */
    @JsonIgnore
    public int inputWidth() {
        return pixels() * given / 4;
    }

    /** Width of y: the pixels to complete. */
    @JsonIgnore
    public int outputWidth() {
        return pixels() - inputWidth();
    }

    /** Pixel indices (row-major, channel planes) of x, then of y. */
    private int[][] indices() {
        boolean[] isGiven = new boolean[4];
        for (int q = 0; q < given; q++) {
            isGiven[GIVEN_ORDER[q]] = true;
        }
        int[] x = new int[inputWidth()];
        int[] y = new int[outputWidth()];
        int xi = 0;
        int yi = 0;
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < height; r++) {
                for (int col = 0; col < width; col++) {
                    int q = (r < height / 2 ? 0 : 2) + (col < width / 2 ? 0 : 1);
                    int p = (c * height + r) * width + col;
                    if (isGiven[q]) {
                        x[xi++] = p;
                    } else {
                        y[yi++] = p;
                    }
                }
            }
        }
        return new int[][] {x, y};
    }

    /**
     * The (x, y) rows of a table of images: columns x0… (given pixels) then y0… (pixels to
     * complete); labels and source are kept.
     *
     * @throws BottleneckException when the rows are not images of this task's shape
     */
    public Table pairs(Table images) {
        int[] s = images.imageShape().orElseThrow(() -> notImages(images));
        if (s[0] != channels || s[1] != height || s[2] != width) {
            throw new BottleneckException(images.source() + " holds " + s[0] + "×" + s[1] + "×" + s[2]
                    + " images but the model completes " + channels + "×" + height + "×" + width + " images");
        }
        int[][] idx = indices();
        int n = images.rows();
        int d = pixels();
        float[] src = images.values();
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int p : idx[0]) {
                out[o++] = src[i * d + p];
            }
            for (int p : idx[1]) {
                out[o++] = src[i * d + p];
            }
        }
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < idx[0].length; j++) {
            names.add("x" + j);
        }
        for (int j = 0; j < idx[1].length; j++) {
            names.add("y" + j);
        }
        String[] labels = images.hasLabels() ? images.labels().toArray(new String[0]) : null;
        return new Table(out, n, d, names, labels, images.labelColumn().orElse(null), null, images.source());
    }

    /** An image from its given pixels {@code x} and its completed pixels {@code y}. */
    public float[] compose(float[] x, float[] y) {
        if (x.length != inputWidth() || y.length != outputWidth()) {
            throw new BottleneckException("an image of this task needs " + inputWidth() + " given and "
                    + outputWidth() + " completed pixels, got " + x.length + " and " + y.length);
        }
        int[][] idx = indices();
        float[] img = new float[pixels()];
        for (int j = 0; j < x.length; j++) {
            img[idx[0][j]] = x[j];
        }
        for (int j = 0; j < y.length; j++) {
            img[idx[1][j]] = y[j];
        }
        return img;
    }

    /** The image with only x shown and the missing pixels set to {@code fill} (grey marks "unknown"). */
    public float[] givenOnly(float[] x, float fill) {
        float[] y = new float[outputWidth()];
        java.util.Arrays.fill(y, fill);
        return compose(x, y);
    }
}
