package dev.bottleneck.cluster;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.bottleneck.EnumIds;

/** The representations k clusters are found in. */
public enum ClusterMethod {
    /** k-means on the (scaled) rows themselves. */
    KMEANS,
    /** k-means on principal components (90 % of the variance, or a fixed number). */
    PCA,
    /** k-means on the code of a plain autoencoder with one hidden layer. */
    AE,
    /** k-means on the code of a stacked autoencoder (greedy pre-training, then fine-tuning). */
    STACKED_AE,
    /** Deep Embedded Clustering, started from the stacked autoencoder and k-means on its code. */
    DEC,
    /** DEPICT-style joint clustering and reconstruction on a convolutional autoencoder (images). */
    DEPICT,
    /** N2D: UMAP of the stacked autoencoder's code, then a Gaussian mixture (McConville et al. 2020). */
    N2D,
    /**
     * SCAN's clustering step (Van Gansbeke et al. 2020) on N2D's UMAP embedding: a network trained so
     * that neighbours share a cluster while clusters stay about equally large.
     */
    SCAN;

    @JsonValue
    public String id() {
        return EnumIds.id(this);
    }

    @JsonCreator
    public static ClusterMethod parse(String s) {
        return EnumIds.parse(ClusterMethod.class, s, "clustering method");
    }
}
