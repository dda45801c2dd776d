package dev.nemotron4j.weights;

import dev.nemotron4j.config.LayerKind;
import dev.nemotron4j.config.NemotronConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The exact tensors of a Nemotron-H checkpoint in the Hugging Face layout ({@code backbone.*},
 * {@code lm_head.weight}), derived from its config: names, shapes (PyTorch order, {@code [out, in]}
 * for linear weights) and, for error messages, the config keys behind each dimension. This is the one
 * table of the checkpoint layout on the Java side; the native loader has its own, per block file.
 */
public final class ExpectedTensors {
    private ExpectedTensors() {}

    /**
     * One expected tensor.
     *
     * @param name  the tensor's name
     * @param shape its dimensions, outermost first; copied in and out
     * @param dims  how config.json implies them, e.g. {@code "hidden_size=64, vocab_size=512"}
     */
    public record Tensor(String name, long[] shape, String dims) {
        /** Copies {@code shape}. */
        public Tensor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dims, "dims");
            shape = shape.clone();
        }

        /** A copy of the dimensions. */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Whether {@code actual} equals this tensor's shape. */
        public boolean matches(long[] actual) {
            return Arrays.equals(shape, actual);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && dims.equals(t.dims);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, Arrays.hashCode(shape), dims);
        }

        @Override
        public String toString() {
            return name + " " + TensorInfo.formatShape(shape);
        }
    }

    /** A dimension and the config keys that give it. */
    private record Dim(long size, String why) {}

    /**
     * Every tensor {@code config} implies, by name, in model order: embeddings, then per layer its norm and
     * its mixer's tensors, then {@code norm_f} and {@code lm_head} (absent when embeddings are tied).
     * The config is assumed valid (as {@link NemotronConfig#parse} leaves it).
     */
    public static Map<String, Tensor> of(NemotronConfig c) {
        Dim vocab = new Dim(c.vocabSize(), "vocab_size=" + c.vocabSize());
        Dim hidden = new Dim(c.hiddenSize(), "hidden_size=" + c.hiddenSize());
        Map<String, Tensor> out = new LinkedHashMap<>();
        add(out, "backbone.embeddings.weight", vocab, hidden);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "backbone.layers." + i + ".";
            add(out, p + "norm.weight", hidden);
            LayerKind kind = c.layers().get(i);
            switch (kind) {
                case MAMBA -> mamba(out, p + "mixer.", c, hidden);
                case ATTENTION -> attention(out, p + "mixer.", c, hidden);
                case MLP -> mlp(out, p + "mixer.", c, hidden);
                case MOE -> throw new IllegalArgumentException("MoE layers have no tensor layout yet (layer " + i + ")");
            }
        }
        add(out, "backbone.norm_f.weight", hidden);
        if (!c.tieWordEmbeddings()) {
            add(out, "lm_head.weight", vocab, hidden);
        }
        return Collections.unmodifiableMap(out);
    }

    private static void mamba(Map<String, Tensor> out, String p, NemotronConfig c, Dim hidden) {
        // in_proj rows split z [d_inner] | xBC [conv_dim] | dt [n_heads]
        Dim dInProj = new Dim(c.dInProj(), "d_in_proj=2*mamba_num_heads*mamba_head_dim"
                + "+2*n_groups*ssm_state_size+mamba_num_heads=" + c.dInProj());
        Dim convDim = new Dim(c.convDim(), "conv_dim=mamba_num_heads*mamba_head_dim+2*n_groups*ssm_state_size="
                + c.convDim());
        Dim dInner = new Dim(c.dInner(), "d_inner=mamba_num_heads*mamba_head_dim=" + c.dInner());
        Dim heads = new Dim(c.mambaNumHeads(), "mamba_num_heads=" + c.mambaNumHeads());
        add(out, p + "in_proj.weight", dInProj, hidden);
        if (c.mambaProjBias()) {
            add(out, p + "in_proj.bias", dInProj);
        }
        // depthwise conv (groups = conv_dim): one input channel per output channel, hence the middle 1
        add(out, p + "conv1d.weight", convDim, new Dim(1, "1 input channel (depthwise)"),
                new Dim(c.convKernel(), "conv_kernel=" + c.convKernel()));
        if (c.useConvBias()) {
            add(out, p + "conv1d.bias", convDim);
        }
        add(out, p + "A_log", heads);
        add(out, p + "D", heads);
        add(out, p + "dt_bias", heads);
        add(out, p + "norm.weight", dInner);
        add(out, p + "out_proj.weight", hidden, dInner);
        if (c.mambaProjBias()) {
            add(out, p + "out_proj.bias", hidden);
        }
    }

    private static void attention(Map<String, Tensor> out, String p, NemotronConfig c, Dim hidden) {
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        Dim qWidth = new Dim(q, "num_attention_heads*head_dim=" + c.numAttentionHeads() + "*" + c.headDim()
                + "=" + q);
        Dim kvWidth = new Dim(kv, "num_key_value_heads*head_dim=" + c.numKeyValueHeads() + "*" + c.headDim()
                + "=" + kv);
        linear(out, p + "q_proj", qWidth, hidden, c.attentionBias());
        linear(out, p + "k_proj", kvWidth, hidden, c.attentionBias());
        linear(out, p + "v_proj", kvWidth, hidden, c.attentionBias());
        linear(out, p + "o_proj", hidden, qWidth, c.attentionBias());
    }

    private static void mlp(Map<String, Tensor> out, String p, NemotronConfig c, Dim hidden) {
        Dim intermediate = new Dim(c.intermediateSize(), "intermediate_size=" + c.intermediateSize());
        linear(out, p + "up_proj", intermediate, hidden, c.mlpBias());
        linear(out, p + "down_proj", hidden, intermediate, c.mlpBias());
    }

    private static void linear(Map<String, Tensor> out, String name, Dim rows, Dim cols, boolean bias) {
        add(out, name + ".weight", rows, cols);
        if (bias) {
            add(out, name + ".bias", rows);
        }
    }

    private static void add(Map<String, Tensor> out, String name, Dim... dims) {
        long[] shape = new long[dims.length];
        List<String> whys = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            shape[i] = dims[i].size();
            if (!whys.contains(dims[i].why())) {
                whys.add(dims[i].why());
            }
        }
        out.put(name, new Tensor(name, shape, String.join(", ", whys)));
    }
}
