package dev.bottleneck.prototype;

import dev.bottleneck.train.TrainingConfig;

/**
 * The settings of one prototype-network run, stored in {@code config.json} and in checkpoints.
 *
 * @param optimizer epochs, batch size, learning rate and schedule, seed, validation fraction —
 *     the autoencoders' {@link TrainingConfig}
 * @param lossWeights λ_class, λ_ae, λ₁, λ₂
 * @param elastic elastic deformation of training images, or null for none
 * @param elasticFromEpoch first epoch (1-based) that deforms its images; earlier epochs see the
 *     images as they are, which learns faster
 */
public record PrototypeTraining(
        TrainingConfig optimizer, LossWeights lossWeights, ElasticDeformation elastic, int elasticFromEpoch) {}
