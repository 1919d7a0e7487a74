package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.vae.VaeEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bottleneck elbo}: a VAE's test-set ELBO and importance-sampled log-likelihood, in nats. */
@Command(name = "elbo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a VAE on data: mean ELBO, reconstruction log-likelihood and KL per row, and the",
                "importance-sampled estimate of log p(x) with k samples (all in nats; higher is better)."})
final class ElboCommand implements Runnable {
    @Mixin ModelOptions modelOptions;
    @Mixin DataOptions dataOptions;

    @Option(names = "--k", defaultValue = "100", description = "Importance samples per row for log p(x) (default 100; 0 skips it).")
    int k;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the Monte-Carlo draws (default 0).")
    long seed;

    @Override
    public void run() {
        try (Autoencoder m = modelOptions.load()) {
            Table data = dataOptions.loadFor(m.config());
            long t0 = System.nanoTime();
            VaeEvaluation.Elbo e = VaeEvaluation.elbo(m, data, 1, seed);
            System.out.printf("rows %d%nelbo %.4f%nreconstruction_log_likelihood %.4f%nkl %.4f%n",
                    data.rows(), e.elbo(), e.reconstruction(), e.kl());
            if (k > 0) {
                VaeEvaluation.LogLikelihood ll = VaeEvaluation.logLikelihood(m, data, k, seed);
                System.out.printf("log_px %.4f%nk %d%n", ll.logLikelihood(), k);
            }
            System.out.printf("seconds %.2f%n", (System.nanoTime() - t0) / 1e9);
        }
    }
}
