package dev.bottleneck.model;

import java.util.List;

/**
 * Where a trained model came from, written into {@code config.json} so that a model file alone
 * says what data, settings and software made it (as Tribuo models do).
 *
 * @param dataFile the training data path as given
 * @param dataSha256 SHA-256 of the training data file's bytes
 * @param rows rows used for training (after the validation split)
 * @param validationRows rows held out for validation
 * @param columns feature column names, in order
 * @param labelColumn column kept out of training, or null
 * @param seed the seed of initialisation, split, shuffling and noise
 * @param created ISO-8601 instant the model was written
 * @param libraryVersion Bottleneck version
 * @param engine tensor engine and version
 * @param java Java runtime version
 * @param device the device it was trained on
 * @param epochs epochs completed
 * @param trainSeconds wall time of training
 * @param bestValidationLoss the best validation loss seen (the weights kept), or null
 * @param resumed whether training was resumed from a checkpoint
 */
public record Provenance(
        String dataFile,
        String dataSha256,
        long rows,
        long validationRows,
        List<String> columns,
        String labelColumn,
        long seed,
        String created,
        String libraryVersion,
        String engine,
        String java,
        String device,
        int epochs,
        double trainSeconds,
        Double bestValidationLoss,
        boolean resumed) {}
