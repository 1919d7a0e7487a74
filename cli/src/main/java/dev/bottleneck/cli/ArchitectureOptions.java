package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.BottleneckSpec;
import dev.bottleneck.bottleneck.ContractiveSpec;
import dev.bottleneck.bottleneck.GaussianSpec;
import dev.bottleneck.bottleneck.IdentitySpec;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.ArchitectureSpec;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ConvSpec;
import dev.bottleneck.model.CorruptionSpec;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.objective.Objective;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/** What model to build: a family preset plus the knobs that shape it. */
final class ArchitectureOptions {
    @Option(names = "--model", defaultValue = "auto", paramLabel = "FAMILY",
            description = "dense, conv, denoising, contractive, vae (MLP), conv-vae, or auto (conv for images, dense otherwise).")
    String family;

    @Option(names = "--latent", paramLabel = "N", description = "Code size (default 32 for images, 8 otherwise).")
    Integer latent;

    @Option(names = "--hidden", split = ",", paramLabel = "N,N", description = "Dense hidden widths, outermost first (default: 64,32 for narrow data; 512,128 for wide).")
    List<Integer> hidden;

    @Option(names = "--filters", split = ",", defaultValue = "32,64", paramLabel = "N,N", description = "Conv feature maps per layer (default 32,64).")
    List<Integer> filters;

    @Option(names = "--kernel", defaultValue = "3", description = "Conv kernel size (default 3).")
    int kernel;

    @Option(names = "--stride", defaultValue = "2", description = "Conv stride (default 2).")
    int stride;

    @Option(names = "--activation", defaultValue = "relu", description = "relu, leaky-relu, elu, gelu, tanh, sigmoid.")
    String activation;

    @Option(names = "--batch-norm", description = "Batch-normalise hidden layers.")
    boolean batchNorm;

    @Option(names = "--dropout", defaultValue = "0", description = "Dropout after hidden layers, in [0, 1).")
    double dropout;

    @Option(names = "--noise", paramLabel = "KIND:LEVEL",
            description = "Input corruption for denoising: gaussian:STD or masking:P (default gaussian:0.1 for --model denoising).")
    String noise;

    @Option(names = "--contractive-weight", defaultValue = "0.001", paramLabel = "LAMBDA",
            description = "Jacobian penalty weight for --model contractive (default 0.001).")
    double contractiveWeight;

    @Option(names = "--beta", defaultValue = "1", paramLabel = "BETA",
            description = "Weight of the KL term for --model vae / conv-vae (default 1: the ELBO; β-VAE otherwise).")
    double beta;

    @Option(names = "--kl-warmup", defaultValue = "0", paramLabel = "STEPS",
            description = "Ramp the KL weight linearly from 0 to --beta over this many optimizer steps (default 0: none).")
    long klWarmup;

    @Option(names = "--objective", paramLabel = "LOSS", description = "mse (default), bce (data in [0, 1]), or the log-likelihoods in nats that a VAE's ELBO needs: gaussian (default for vae on tables) or bernoulli (default for vae on images).")
    String objective;

    @Option(names = "--scaler", paramLabel = "KIND", description = "standard, minmax or none (default: none for images, standard otherwise).")
    String scaler;

    Autoencoder build(Table data, long seed, ai.djl.Device device) {
        boolean images = data.imageShape().isPresent();
        String fam = family.toLowerCase(Locale.ROOT);
        if (fam.equals("auto")) {
            fam = images ? "conv" : "dense";
        }
        int z = latent != null ? latent : images ? 32 : 8;
        Activation act = Activation.parse(activation);
        ScalerKind sk = scaler != null ? ScalerKind.parse(scaler) : images ? ScalerKind.NONE : ScalerKind.STANDARD;
        // pixels in [0, 1] (or min-max scaled data) are reconstructed through a sigmoid
        Activation out = images || sk == ScalerKind.MINMAX ? Activation.SIGMOID : Activation.NONE;
        ArchitectureSpec arch;
        switch (fam) {
            case "conv":
            case "conv-vae":
                if (!images) {
                    throw new BottleneckException("--model conv needs image data (IDX files), but " + data.source() + " is a table; use --model dense");
                }
                int[] s = data.imageShape().get();
                arch = new ConvSpec(s[0], s[1], s[2], filters, kernel, stride, z, act, batchNorm, out);
                break;
            case "dense":
            case "denoising":
            case "contractive":
            case "vae":
                List<Integer> h = hidden != null ? hidden : DenseSpec.defaultHidden(data.cols(), z);
                arch = new DenseSpec(data.cols(), h, z, act, batchNorm, dropout, out);
                break;
            default:
                throw new BottleneckException("model family \"" + family + "\" is not known (expected dense, conv, denoising, contractive, vae, conv-vae or auto)");
        }
        boolean vae = fam.equals("vae") || fam.equals("conv-vae");
        BottleneckSpec bottleneck = fam.equals("contractive") ? ContractiveSpec.of(contractiveWeight)
                : vae ? GaussianSpec.of(beta, klWarmup) : new IdentitySpec();
        CorruptionSpec corruption = parseNoise(noise != null ? noise : fam.equals("denoising") ? "gaussian:0.1" : null);
        // a VAE's loss is its negative ELBO only with a likelihood summed over features, in nats
        Objective obj = objective != null ? Objective.parse(objective)
                : !vae ? Objective.MSE
                : out == Activation.SIGMOID ? Objective.BERNOULLI : Objective.GAUSSIAN;
        return Autoencoder.builder()
                .setArchitecture(arch)
                .optBottleneck(bottleneck)
                .optCorruption(corruption)
                .optObjective(obj)
                .optScaler(sk)
                .optFamily(fam)
                .optSeed(seed)
                .optDevice(device)
                .build();
    }

    static CorruptionSpec parseNoise(String s) {
        if (s == null || s.isBlank() || s.equalsIgnoreCase("none")) {
            return CorruptionSpec.NONE;
        }
        String[] parts = s.split(":");
        if (parts.length != 2) {
            throw new BottleneckException("--noise \"" + s + "\" is not understood (expected gaussian:STD or masking:P, e.g. gaussian:0.1)");
        }
        double level;
        try {
            level = Double.parseDouble(parts[1]);
        } catch (NumberFormatException e) {
            throw new BottleneckException("--noise level \"" + parts[1] + "\" is not a number");
        }
        return new CorruptionSpec(CorruptionSpec.Kind.parse(parts[0]), level);
    }
}
