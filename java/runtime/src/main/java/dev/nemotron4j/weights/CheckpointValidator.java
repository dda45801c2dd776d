package dev.nemotron4j.weights;

import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.config.NemotronConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that a checkpoint holds exactly the tensors its config implies ({@link ExpectedTensors}), with
 * the implied shapes. Missing and unexpected tensors are reported together, since one wrong config key
 * (the pattern, a bias flag, tied embeddings) usually causes both; a wrong width shows as a shape
 * mismatch naming the config keys behind the expected shape. Dtypes are not compared: a checkpoint may
 * mix them (e.g. A_log kept in F32), and the native loader converts per tensor.
 */
public final class CheckpointValidator {
    /** How many names a message lists before it says "and N more". */
    static final int NAMES_SHOWN = 5;

    private CheckpointValidator() {}

    /**
     * @throws ModelLoadException naming the missing, unexpected or mis-shaped tensors and the file or folder
     */
    public static void validate(NemotronConfig config, Checkpoint checkpoint) {
        Map<String, ExpectedTensors.Tensor> expected = ExpectedTensors.of(config);
        Map<String, TensorInfo> actual = checkpoint.tensors();
        String configFile = NemotronConfig.CONFIG_FILE + " in " + checkpoint.directory();

        List<String> missing = new ArrayList<>();
        for (String name : expected.keySet()) {
            if (!actual.containsKey(name)) {
                missing.add(name);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : actual.keySet()) {
            if (!expected.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder msg = new StringBuilder("checkpoint ").append(checkpoint.describe())
                    .append(" does not match ").append(configFile).append(" (layers \"")
                    .append(config.layerPattern()).append("\"):");
            if (!missing.isEmpty()) {
                msg.append(" it lacks ").append(count(missing.size())).append(" the config implies: ")
                        .append(list(missing)).append(';');
            }
            if (!unexpected.isEmpty()) {
                msg.append(" it has ").append(count(unexpected.size())).append(" the config does not imply: ")
                        .append(list(unexpected)).append(';');
            }
            msg.append(" check hybrid_override_pattern, tie_word_embeddings and the bias keys "
                    + "(use_conv_bias, use_bias, attention_bias, mlp_bias) against the checkpoint");
            throw new ModelLoadException(msg.toString());
        }

        List<String> mismatched = new ArrayList<>();
        String first = null;
        for (ExpectedTensors.Tensor want : expected.values()) {
            TensorInfo have = actual.get(want.name());
            if (!want.matches(have.shape())) {
                if (first == null) {
                    first = "tensor " + have.name() + " in " + have.file() + " has shape "
                            + TensorInfo.formatShape(have.shape()) + " but " + configFile + " implies "
                            + TensorInfo.formatShape(want.shape()) + " (" + want.dims() + ")";
                } else {
                    mismatched.add(want.name());
                }
            }
        }
        if (first != null) {
            int more = mismatched.size();
            throw new ModelLoadException(first + (more == 0 ? ""
                    : "; " + more + " more " + (more == 1 ? "tensor differs: " : "tensors differ: ") + list(mismatched)));
        }
    }

    private static String count(int n) {
        return n + (n == 1 ? " tensor" : " tensors");
    }

    /** Up to {@link #NAMES_SHOWN} names, then how many were left out. */
    private static String list(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        int rest = names.size() - NAMES_SHOWN;
        return rest > 0 ? shown + " and " + rest + " more" : shown;
    }
}
