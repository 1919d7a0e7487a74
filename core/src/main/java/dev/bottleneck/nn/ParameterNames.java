package dev.bottleneck.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names every parameter of a block tree the way PyTorch names the equivalent module's
 * {@code state_dict}: children of a sequential stack by index ({@code encoder.0.weight}), other
 * children by name, batch-norm tensors as {@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var}. These are the tensor names in {@code model.safetensors}, so a PyTorch
 * user can load them into an {@code nn.Sequential} of the same layers.
 */
public final class ParameterNames {
    private ParameterNames() {}

    /** All parameters under {@code block}, in a stable order, by PyTorch-style name. */
    public static Map<String, Parameter> of(String prefix, Block block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(prefix, block, out);
        return out;
    }

    private static void collect(String prefix, Block block, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + "." + torchName(p.getKey()), p.getValue());
        }
        int index = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            String name =
                    block instanceof SequentialBlock
                            ? Integer.toString(index)
                            : stripCounter(child.getKey());
            collect(prefix + "." + name, child.getValue(), out);
            index++;
        }
    }

    /** DJL prefixes child names with a two-digit counter ("01Linear"); drop it. */
    private static String stripCounter(String name) {
        int i = 0;
        while (i < name.length() && Character.isDigit(name.charAt(i))) {
            i++;
        }
        return name.substring(i);
    }

    private static String torchName(String djlName) {
        switch (djlName) {
            case "gamma":
                return "weight";
            case "beta":
                return "bias";
            case "runningMean":
                return "running_mean";
            case "runningVar":
                return "running_var";
            default:
                return djlName;
        }
    }
}
