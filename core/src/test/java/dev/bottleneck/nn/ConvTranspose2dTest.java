package dev.bottleneck.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.bottleneck.engine.Engines;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The polyphase transposed convolution against PyTorch's definition, written out as loops. */
class ConvTranspose2dTest {

    /** y[n,o,ih·s−p+kh, iw·s−p+kw] += x[n,i,ih,iw]·w[i,o,kh,kw] — the definition in torch.nn.ConvTranspose2d. */
    static float[] reference(float[] x, float[] w, float[] b, int n, int cin, int h, int wd, int cout, int k, int s, int p,
            int opH, int opW) {
        int oh = (h - 1) * s - 2 * p + k + opH;
        int ow = (wd - 1) * s - 2 * p + k + opW;
        float[] y = new float[n * cout * oh * ow];
        for (int a = 0; a < n; a++) {
            for (int o = 0; o < cout; o++) {
                for (int r = 0; r < oh; r++) {
                    for (int c = 0; c < ow; c++) {
                        y[((a * cout + o) * oh + r) * ow + c] = b[o];
                    }
                }
            }
        }
        for (int a = 0; a < n; a++) {
            for (int i = 0; i < cin; i++) {
                for (int ih = 0; ih < h; ih++) {
                    for (int iw = 0; iw < wd; iw++) {
                        float xv = x[((a * cin + i) * h + ih) * wd + iw];
                        for (int o = 0; o < cout; o++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int r = ih * s - p + kh;
                                    int c = iw * s - p + kw;
                                    if (r >= 0 && r < oh && c >= 0 && c < ow) {
                                        y[((a * cout + o) * oh + r) * ow + c] += xv * w[((i * cout + o) * k + kh) * k + kw];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest
    @CsvSource({
        // k, s, p, opH, opW, h, w
        "3, 2, 1, 1, 1, 7, 7",
        "3, 2, 1, 0, 1, 4, 5",
        "4, 2, 1, 0, 0, 5, 3",
        "4, 2, 0, 1, 1, 3, 3",
        "5, 3, 2, 2, 0, 4, 4",
        "3, 1, 1, 0, 0, 6, 6",
        "2, 2, 0, 1, 0, 3, 4",
        "1, 2, 0, 1, 1, 3, 3"
    })
    void matchesTheDefinition(int k, int s, int p, int opH, int opW, int h, int wd) {
        int n = 2, cin = 3, cout = 4;
        Random r = new Random(k * 100 + s * 10 + p);
        float[] x = rand(r, n * cin * h * wd);
        float[] w = rand(r, cin * cout * k * k);
        float[] b = rand(r, cout);
        float[] expected = reference(x, w, b, n, cin, h, wd, cout, k, s, p, opH, opW);
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray y = ConvTranspose2d.forward(m.create(x, new Shape(n, cin, h, wd)), m.create(w, new Shape(cin, cout, k, k)),
                    m.create(b), s, p, opH, opW);
            assertEquals(new Shape(n, cout, (h - 1) * s - 2 * p + k + opH, (wd - 1) * s - 2 * p + k + opW), y.getShape());
            assertArrayEquals(expected, y.toFloatArray(), 1e-4f);
        }
    }

    /** The input and weight gradients of sum(y·G) for a random G, against the adjoint written out as loops. */
    @ParameterizedTest
    @CsvSource({
        // cin, cout, k, s, p, opH, opW, h, w, n
        "32, 1, 3, 2, 1, 1, 1, 14, 14, 16",
        "3, 4, 3, 2, 1, 1, 1, 4, 4, 2",
        "2, 3, 4, 2, 1, 0, 0, 5, 3, 2",
        "4, 2, 5, 3, 2, 2, 0, 4, 4, 1"
    })
    void gradientsMatchTheAdjoint(int cin, int cout, int k, int s, int p, int opH, int opW, int h, int wd, int n) {
        Random r = new Random(cin * 7 + cout);
        float[] x = rand(r, n * cin * h * wd);
        float[] w = rand(r, cin * cout * k * k);
        int oh = (h - 1) * s - 2 * p + k + opH;
        int ow = (wd - 1) * s - 2 * p + k + opW;
        float[] g = rand(r, n * cout * oh * ow);
        float[] dx = new float[x.length];
        float[] dw = new float[w.length];
        for (int a = 0; a < n; a++) {
            for (int i = 0; i < cin; i++) {
                for (int ih = 0; ih < h; ih++) {
                    for (int iw = 0; iw < wd; iw++) {
                        for (int o = 0; o < cout; o++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int rr = ih * s - p + kh;
                                    int cc = iw * s - p + kw;
                                    if (rr >= 0 && rr < oh && cc >= 0 && cc < ow) {
                                        float gv = g[((a * cout + o) * oh + rr) * ow + cc];
                                        int xi = ((a * cin + i) * h + ih) * wd + iw;
                                        int wi = ((i * cout + o) * k + kh) * k + kw;
                                        dx[xi] += gv * w[wi];
                                        dw[wi] += gv * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray xa = m.create(x, new Shape(n, cin, h, wd));
            NDArray wa = m.create(w, new Shape(cin, cout, k, k));
            xa.setRequiresGradient(true);
            wa.setRequiresGradient(true);
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDArray y = ConvTranspose2d.forward(xa, wa, null, s, p, opH, opW);
                gc.backward(y.mul(m.create(g, y.getShape())).sum());
            }
            assertArrayEquals(dx, xa.getGradient().toFloatArray(), 1e-3f, "input gradient");
            assertArrayEquals(dw, wa.getGradient().toFloatArray(), 1e-3f, "weight gradient");
        }
    }

    private static double sum(float[] a) {
        double t = 0;
        for (float v : a) {
            t += v;
        }
        return t;
    }

    private static float[] rand(Random r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
