package dev.bottleneck.interpret.browser;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.Hooks;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.SharedModel;
import dev.bottleneck.interpret.TokenBatch;
import dev.bottleneck.interpret.sae.SaeConfig;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.io.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser on a random TopK SAE (24 latents, k 3) over a dozen sentences, checked against an
 * independent pass that runs every sentence alone.
 */
class FeatureBrowserTest {
    static final String HOOK = "blocks.0.hook_resid_post";
    static final List<String> DOCS = List.of(
            "The cat sat on the mat.",
            "A sparse autoencoder finds features in activations.",
            "Use x < y && y > z to compare <script>alert('hi')</script> values.",
            "Tom & Jerry say \"hello\" to everyone.",
            "Dogs bark at night while cats sleep.",
            "The stock market fell sharply on Monday.",
            "She plays the violin in an orchestra.",
            "Water boils at one hundred degrees Celsius.",
            "An apple a day keeps the doctor away.",
            "Rain, snow and wind are forms of weather.",
            "The quick brown fox jumps over the lazy dog.",
            "Paris is the capital of France.");
    /** The tags the page is made of; any other '<' would be unescaped text. */
    static final Set<String> TAGS = Set.of("html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
            "h4", "small", "p", "code", "section", "div", "table", "thead", "tbody", "tr", "th", "td", "a", "span", "svg",
            "rect", "line", "text", "footer", "i");

    static NDManager manager;
    static SparseAutoencoder sae;
    static FeatureReport report;
    /** reference[doc][position][latent] from one forward pass per sentence; [CLS]/[SEP] rows are zero. */
    static float[][][] reference;
    static List<List<String>> tokens = new ArrayList<>();

    @BeforeAll
    static void scan() {
        manager = Engines.newManager(Device.cpu());
        SaeConfig config = SaeConfig.builder().setShape(384, 24).setHook(HOOK, MiniLm.MODEL_NAME, 1).optK(3).optSeed(7).build();
        sae = SparseAutoencoder.create(config, manager, null);
        report = browser().optTopLatents(6).build().scan();
        reference = new float[DOCS.size()][][];
        for (int i = 0; i < DOCS.size(); i++) {
            TokenBatch one = SharedModel.tokenizer().encode(List.of(DOCS.get(i)));
            tokens.add(one.tokens().get(0));
            try (NDManager m = manager.newSubManager()) {
                NDList in = one.toArrays(m);
                NDArray acts = SharedModel.model().forward(in.get(0), in.get(1), Hooks.builder().optStopAfter(HOOK).build());
                int n = one.length();
                float[] code = sae.encode(acts.reshape(n, 384)).toFloatArray();
                reference[i] = new float[n][24];
                for (int t = 1; t < n - 1; t++) {
                    System.arraycopy(code, t * 24, reference[i][t], 0, 24);
                }
            }
        }
    }

    static FeatureBrowser.Builder browser() {
        return FeatureBrowser.builder().setModel(SharedModel.model(), SharedModel.tokenizer()).setSae(sae, "random-sae")
                .setCorpus(DOCS, "test sentences").optTopContexts(5).optQuantiles(2, 2).optSample(8).optWindow(4)
                .optBatchSize(5);
    }

    @AfterAll
    static void close() {
        sae.close();
        manager.close();
    }

    @Test
    void densitiesAndTopActivationsMatchAnIndependentPassOverEachSentence() {
        long total = 0;
        for (float[][] doc : reference) {
            total += doc.length - 2;
        }
        assertEquals(total, report.tokens());
        assertEquals(DOCS.size(), report.documents());
        double[] sums = new double[24];
        for (int j = 0; j < 24; j++) {
            List<Float> values = new ArrayList<>();
            for (float[][] doc : reference) {
                for (float[] row : doc) {
                    if (row[j] > 0) {
                        values.add(row[j]);
                        sums[j] += row[j];
                    }
                }
            }
            assertEquals(values.size(), Math.round(report.density()[j] * total), "firings of latent " + j);
            values.sort(Comparator.reverseOrder());
            for (FeatureReport.Latent l : report.latents()) {
                if (l.index() != j) {
                    continue;
                }
                assertEquals(values.size(), l.fires());
                assertEquals(Math.min(5, values.size()), l.top().size());
                for (int k = 0; k < l.top().size(); k++) {
                    FeatureReport.Context c = l.top().get(k);
                    assertEquals(values.get(k), c.activation(), 1e-4, "top " + k + " of latent " + j);
                    assertEquals(reference[c.document()][c.position()][j], c.activation(), 1e-4,
                            "latent " + j + " at document " + c.document() + " token " + c.position());
                    assertEquals(c.activation(), c.activations()[c.marked()], 1e-4, "highlight of the firing token");
                    assertEquals(tokens.get(c.document()).get(c.position()), c.tokens().get(c.marked()));
                }
            }
        }
        // the six shown are the six with the largest total activation, strongest first
        List<Integer> bySum = new ArrayList<>();
        for (int j = 0; j < 24; j++) {
            bySum.add(j);
        }
        bySum.sort(Comparator.comparingDouble(j -> -sums[j]));
        assertEquals(bySum.subList(0, 6), report.latents().stream().map(FeatureReport.Latent::index).toList());
    }

    @Test
    void quantileSamplesLieInTheirSliceAndTokenSharesAddUp() {
        for (FeatureReport.Latent l : report.latents()) {
            float previousHigh = 0;
            for (FeatureReport.Quantile q : l.quantiles()) {
                assertTrue(q.lowActivation() >= previousHigh, "slices ascend");
                previousHigh = q.highActivation();
                for (FeatureReport.Context c : q.samples()) {
                    assertTrue(c.activation() >= q.lowActivation() && c.activation() <= q.highActivation());
                    assertEquals(reference[c.document()][c.position()][l.index()], c.activation(), 1e-4);
                }
            }
            double share = l.frequentTokens().stream().mapToDouble(FeatureReport.TokenStat::share).sum();
            assertTrue(share <= 1 + 1e-9, "shares of the shown tokens " + share);
            if (l.fires() <= 8 && l.frequentTokens().size() < 10) {
                assertEquals(1, share, 1e-9, "a reservoir holding every firing covers them all");
            }
            assertEquals(Math.min(8, l.fires()), java.util.Arrays.stream(l.histogram()).sum());
        }
    }

    @Test
    void thePageMarksEveryFiringEscapesTextAndListsTopContextsStrongestFirst() {
        String html = FeaturePages.html(report);
        assertOnlyOurTags(html);
        int contexts = 0;
        for (FeatureReport.Latent l : report.latents()) {
            assertTrue(html.contains("id=\"l" + l.index() + "\""), "section of latent " + l.index());
            contexts += l.top().size() + l.quantiles().stream().mapToInt(q -> q.samples().size()).sum();
            int start = html.indexOf("id=\"l" + l.index() + "\"");
            int from = html.indexOf("class=\"ctxs top\"", start);
            String top = html.substring(from, html.indexOf("</div>\n</div>\n", from)); // the last context, then the list
            Matcher m = Pattern.compile("data-act=\"([0-9.]+)\"").matcher(top);
            List<Double> acts = new ArrayList<>();
            while (m.find()) {
                acts.add(Double.parseDouble(m.group(1)));
            }
            assertEquals(l.top().size(), acts.size());
            for (int k = 1; k < acts.size(); k++) {
                assertTrue(acts.get(k) <= acts.get(k - 1), "top contexts of latent " + l.index() + ": " + acts);
            }
        }
        assertTrue(contexts > 0);
        assertEquals(contexts, count(html, "class=\"t hit\""), "one marked token per context");
    }

    @Test
    void textFromTheCorpusIsEscapedEverywhere() {
        SaeConfig c = sae.config();
        FeatureReport.Context ctx = new FeatureReport.Context(2, 3, 2f, List.of("<", "script", ">", "&", "\"", "##ed"),
                new float[] {0, 2f, 0, 1f, 0, 0}, 1);
        FeatureReport.Latent l = new FeatureReport.Latent(0, 1, 0.5, 2, 2f, List.of(ctx), List.of(),
                List.of(new FeatureReport.TokenStat("<b>", 1, 1, 2, 1, 1, 2)), List.of(), new int[20], "<i>gods</i>");
        FeatureReport r = new FeatureReport(c, "dir<&>", "corpus\"'", 2, 1, 8, 42, new double[24], List.of(l), "now", "test",
                "model<x>");
        String html = FeaturePages.html(r);
        assertOnlyOurTags(html);
        assertTrue(html.contains("&lt;"), html);
        assertTrue(html.contains("<code>&lt;b&gt;</code>"));
        assertTrue(html.contains("dir&lt;&amp;&gt;"));
        assertTrue(html.contains("corpus&quot;&#39;"));
        assertTrue(html.contains("class=\"t hit\""));
        assertTrue(html.contains("&amp;</span>"), "the second firing token, tinted");
        assertTrue(html.contains("&quot;ed"), "a ## piece joins the token before it");
        assertTrue(html.contains("&lt;i&gt;gods&lt;/i&gt;"), "the explanation, escaped");
        assertTrue(html.contains("model&lt;x&gt;"), "who explained it, escaped");
    }

    @Test
    void writesAPageThatNeedsNothingElseAndItsJson(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("features");
        FeaturePages.write(report, dir, false);
        String html = Files.readString(dir.resolve(FeaturePages.INDEX));
        assertFalse(html.contains("src=") || html.contains("<link") || html.contains("<script") || html.contains("url("),
                "the page must not load anything");
        assertTrue(Files.size(dir.resolve(FeaturePages.DENSITY)) > 0);
        JsonNode json = Json.mapper().readTree(dir.resolve(FeaturePages.JSON).toFile());
        assertEquals(6, json.get("latents").size());
        assertEquals(24, json.get("density").size());
        assertThrows(BottleneckException.class, () -> FeaturePages.write(report, dir, false));
    }

    @Test
    void chosenLatentsAreShownInTheGivenOrderAndBadChoicesAreRefused() {
        FeatureReport r = browser().optLatents(LatentRanges.parse("5,1-2")).build().scan();
        assertEquals(List.of(5, 1, 2), r.latents().stream().map(FeatureReport.Latent::index).toList());
        assertArrayEquals(report.density(), r.density(), 1e-12);
        BottleneckException e = assertThrows(BottleneckException.class, () -> browser().optLatents(3, 24).build());
        assertTrue(e.getMessage().contains("0..23"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> LatentRanges.parse("9-4"));
        assertTrue(e.getMessage().contains("backwards"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> LatentRanges.parse("1,x"));
        assertTrue(e.getMessage().contains("\"x\""), e.getMessage());
    }

    static void assertOnlyOurTags(String html) {
        Matcher m = Pattern.compile("<(?:/)?([A-Za-z!][A-Za-z0-9]*)").matcher("");
        for (int i = html.indexOf('<'); i >= 0; i = html.indexOf('<', i + 1)) {
            m.reset(html.substring(i, Math.min(html.length(), i + 20)));
            assertTrue(m.lookingAt() && (TAGS.contains(m.group(1)) || m.group(1).equals("!DOCTYPE")),
                    "unescaped '<' at " + i + ": " + html.substring(Math.max(0, i - 40), Math.min(html.length(), i + 40)));
        }
    }

    static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
