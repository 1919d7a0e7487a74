package dev.bottleneck.cli;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.Version;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.sae.DarkMatter;
import dev.bottleneck.interpret.sae.SaeFiles;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "darkmatter", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"How much of an SAE's error is linear in its input (Engels et al., \"Decomposing the Dark Matter of",
                "Sparse Autoencoders\"): ridge regressions from x to the error e = x − x̂ and to ‖e‖², fitted on the store's",
                "training tokens, measured on its held-out tokens."})
final class SaeDarkMatterCommand implements Runnable {
    @Option(names = "--sae", required = true, paramLabel = "DIR") Path saeDir;
    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store the SAE reads (from `sae collect`).") Path store;
    @Option(names = "--tokens", defaultValue = "262144", paramLabel = "N",
            description = "Fit on at most N training tokens and measure on at most N held-out tokens (default ${DEFAULT-VALUE}; 0 = all).")
    long tokens;
    @Option(names = "--lambda", defaultValue = "0", paramLabel = "L",
            description = "Ridge penalty relative to the mean input variance (default 0: chosen from 1e-6..1 on every 10th training token).")
    double lambda;
    @Option(names = "--out", paramLabel = "FILE", description = "Also write the numbers as JSON.") Path out;
    @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default).") String device;

    @Override
    public void run() {
        ActivationStore s = ActivationStore.open(store);
        DarkMatter dm = DarkMatter.builder().optTrainTokens(tokens).optHeldOutTokens(tokens).optLambda(lambda).build();
        try (NDManager manager = Engines.newManager(Engines.device(device));
                SparseAutoencoder sae = SaeFiles.load(saeDir, manager)) {
            Engines.inferenceMode();
            long started = System.nanoTime();
            DarkMatter.Result r = dm.measure(sae, s);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("fitted on %d training tokens, measured on %d held-out tokens (ridge λ %.0e vector, %.0e norm; %.1f s)%n",
                    r.trainTokens(), r.heldOutTokens(), r.lambdaVector(), r.lambdaNorm(), seconds);
            System.out.printf("error variance linearly predictable %.1f %% (per-dimension mean %.1f %%)  ‖e‖² R² %.3f%n",
                    100 * r.errorVarianceExplained(), 100 * r.errorVarianceExplainedPerDimension(), r.errorNormR2());
            System.out.printf("FVU %.4f, %.4f with the linear part added (%.1f %% of the squared error is linear)%n",
                    r.fvu(), r.fvuNonlinear(), 100 * r.linearShareOfError());
            if (out != null) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("sae", saeDir.toString());
                j.put("store", store.toString());
                j.put("hook", sae.config().hook());
                j.put("train_tokens", r.trainTokens());
                j.put("held_out_tokens", r.heldOutTokens());
                j.put("lambda_vector", r.lambdaVector());
                j.put("lambda_norm", r.lambdaNorm());
                j.put("fvu", r.fvu());
                j.put("fvu_nonlinear", r.fvuNonlinear());
                j.put("linear_share_of_error", r.linearShareOfError());
                j.put("error_variance_explained", r.errorVarianceExplained());
                j.put("error_variance_explained_per_dimension", r.errorVarianceExplainedPerDimension());
                j.put("error_norm_r2", r.errorNormR2());
                j.put("created", Instant.now().toString());
                j.put("created_by", "bottleneck " + Version.get());
                AtomicFiles.write(out, o -> Json.mapper().writeValue(o, j));
                System.err.println("written " + out);
            }
        }
    }
}
