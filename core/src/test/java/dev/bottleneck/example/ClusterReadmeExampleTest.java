package dev.bottleneck.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.cluster.ClusterMethod;
import dev.bottleneck.cluster.Clusterer;
import dev.bottleneck.cluster.ClusteringResult;
import dev.bottleneck.cluster.GaussianMixture;
import dev.bottleneck.cluster.GaussianMixtureResult;
import dev.bottleneck.cluster.KMeans;
import dev.bottleneck.cluster.KMeansResult;
import dev.bottleneck.cluster.Pca;
import dev.bottleneck.cluster.PcaModel;
import dev.bottleneck.cluster.Scan;
import dev.bottleneck.cluster.ScanResult;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.PixelTable;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.data.TiffReader;
import dev.bottleneck.manifold.Umap;
import dev.bottleneck.metrics.ClusterAgreement;
import dev.bottleneck.metrics.ClusterQuality;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's clustering example, kept compiling and running here. */
class ClusterReadmeExampleTest {
    @Test
    void readmeClusteringExampleRuns() {
        Path landsatCsv = TestData.dataset("statlog-landsat/statlog-landsat.csv.gz");
        Path playaTif = TestData.dataset("remote-sensing/Playa_Image.tif");
        Path playaTruthTif = TestData.dataset("remote-sensing/Playa_Training.tif");
        // --- README example start
        Table data = DataSources.load(landsatCsv, "class", null);            // the label is kept out of the features
        ClusteringResult r = Clusterer.builder().setK(6).setMethod(ClusterMethod.PCA)   // or STACKED_AE, DEC, N2D, SCAN, …
                .optRestarts(4).optSeed(0).build().fit(data);
        int[] clusters = r.assignments();                                    // one per row; r.codes() is what k-means saw
        int[] truth = ClusterAgreement.ids(data.labels());
        double acc = ClusterAgreement.accuracy(truth, clusters), nmi = ClusterAgreement.nmi(truth, clusters);
        double db = ClusterQuality.daviesBouldin(r.codes(), clusters);       // no labels needed
        // the parts on their own
        PcaModel pca = Pca.builder().optVarianceToKeep(0.9).build().fit(r.codes());
        KMeansResult km = KMeans.builder().setK(6).optRestarts(10).optSeed(0).build().fit(pca.transform(r.codes()));
        Table pixels = PixelTable.of(TiffReader.read(playaTif), 3, TiffReader.read(playaTruthTif));   // a row per pixel
        // UMAP on its own (15 neighbours, 2 components, min_dist 0.1: umap-learn's defaults; 100 epochs), and a mixture
        float[][] map = Umap.builder().optNeighbours(15).optComponents(2).optEpochs(100).optSeed(0).build().fit(r.codes());
        GaussianMixtureResult gm = GaussianMixture.builder().build().fit(map, KMeans.builder().setK(6).build().fit(map));
        ScanResult scan = Scan.builder().setK(6).optHeads(2).optSeed(0).build().fit(map);   // SCAN: neighbours agree, sizes even
        // --- README example end
        assertEquals(data.rows(), clusters.length);
        assertTrue(acc > 1.0 / 6 && nmi > 0 && db > 0, acc + " " + nmi + " " + db);
        assertEquals(data.rows(), km.assignments().length);
        assertEquals(63, pixels.cols());
        assertEquals(data.rows(), gm.assignments().length);
        assertEquals(2, map[0].length);
        assertEquals(data.rows(), scan.assignments().length);
    }
}
