package dev.nemotron4j.nativeapi;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.ByPtrPtr;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.MemberSetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The one hand-written JavaCPP mapping of {@code native/include/nemotron/nemotron.h}. JavaCPP's Maven
 * plugin ({@code java/runtime/pom.xml}, phase process-classes) generates the JNI code from this class
 * and links it against the static native core; the result ships in the per-platform jar.
 *
 * <p>Only classes of this package may touch these types; the rest of the runtime uses
 * {@link NativeModel} and {@link NativeSequence}.
 */
@Platform(include = "nemotron/nemotron.h", link = "nemotron_core")
public final class NemotronNative {
    static {
        Loader.load();
    }

    private NemotronNative() {}

    public static final int NT_OK = 0;
    public static final int NT_INVALID_ARGUMENT = 1;
    public static final int NT_BAD_CHECKPOINT = 2;
    public static final int NT_IO_ERROR = 3;
    public static final int NT_OUT_OF_MEMORY = 4;
    public static final int NT_UNSUPPORTED = 5;
    public static final int NT_INTERNAL = 6;
    public static final int NT_CACHE_FULL = 7;

    public static final int NT_BACKEND_CPU = 0;
    public static final int NT_BACKEND_CUDA = 1;

    public static final int NT_ACTIVATIONS_BF16 = 0;
    public static final int NT_ACTIVATIONS_F32 = 1;

    public static final int NT_MAX_LAYERS = 512;
    public static final int NT_MAX_NAME = 256;

    /** {@code nt_error}: status code and message filled by every call. */
    @Name("nt_error")
    public static class NtError extends Pointer {
        static {
            Loader.load();
        }

        public NtError() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();


        @MemberGetter
        public native int code();

        @MemberGetter
        @Cast("char*")
        public native BytePointer message();
    }

    /** {@code nt_config}: hyper-parameters parsed in Java from config.json. */
    @Name("nt_config")
    public static class NtConfig extends Pointer {
        static {
            Loader.load();
        }

        public NtConfig() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();


        @MemberSetter
        public native NtConfig vocab_size(int v);
        @MemberSetter
        public native NtConfig hidden_size(int v);
        @MemberSetter
        public native NtConfig n_layers(int v);

        @MemberGetter
        @Cast("char*")
        public native BytePointer layer_kinds();


        @MemberSetter
        public native NtConfig n_heads(int v);
        @MemberSetter
        public native NtConfig n_kv_heads(int v);
        @MemberSetter
        public native NtConfig attn_head_dim(int v);
        @MemberSetter
        public native NtConfig intermediate_size(int v);
        @MemberSetter
        public native NtConfig mamba_n_heads(int v);
        @MemberSetter
        public native NtConfig mamba_head_dim(int v);
        @MemberSetter
        public native NtConfig n_groups(int v);
        @MemberSetter
        public native NtConfig d_state(int v);
        @MemberSetter
        public native NtConfig conv_kernel(int v);
        @MemberSetter
        public native NtConfig chunk_size(int v);
        @MemberSetter
        public native NtConfig use_conv_bias(int v);
        @MemberSetter
        public native NtConfig mamba_proj_bias(int v);
        @MemberSetter
        public native NtConfig attention_bias(int v);
        @MemberSetter
        public native NtConfig mlp_bias(int v);
        @MemberSetter
        public native NtConfig tie_word_embeddings(int v);
        @MemberSetter
        public native NtConfig norm_eps(float v);
        @MemberSetter
        public native NtConfig dt_min(float v);
        @MemberSetter
        public native NtConfig dt_max(float v);
    }

    /** {@code nt_tensor_desc}: where one tensor lies; used as an array. */
    @Name("nt_tensor_desc")
    public static class NtTensorDesc extends Pointer {
        static {
            Loader.load();
        }

        public NtTensorDesc(long size) {
            super((Pointer) null);
            allocateArray(size);
        }

        private native void allocateArray(long size);

        @Override
        public NtTensorDesc position(long position) {
            return super.position(position);
        }

        @MemberGetter
        @Cast("char*")
        public native BytePointer name();


        @MemberSetter
        public native NtTensorDesc file_index(int v);
        @MemberSetter
        public native NtTensorDesc dtype(int v);
        @MemberSetter
        public native NtTensorDesc n_dims(int v);
        @MemberSetter
        public native NtTensorDesc shape(int i, long v);
        @MemberSetter
        public native NtTensorDesc offset(long v);
        @MemberSetter
        public native NtTensorDesc n_bytes(long v);
    }

    /** {@code nt_model_options}. */
    @Name("nt_model_options")
    public static class NtModelOptions extends Pointer {
        static {
            Loader.load();
        }

        public NtModelOptions() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();


        @MemberSetter
        public native NtModelOptions n_threads(int v);
        @MemberSetter
        public native NtModelOptions ssm_state_dtype(int v);
        @MemberSetter
        public native NtModelOptions cache_bytes(long v);
        @MemberSetter
        public native NtModelOptions state_slots(int v);
        @MemberSetter
        public native NtModelOptions kv_block_tokens(int v);
        @MemberSetter
        public native NtModelOptions backend(int v);
        @MemberSetter
        public native NtModelOptions device_index(int v);
        @MemberSetter
        public native NtModelOptions cuda_library(@Cast("const char*") BytePointer v);
        @MemberSetter
        public native NtModelOptions activation_precision(int v);
        @MemberSetter
        public native NtModelOptions upload_progress(@Cast("int64_t*") LongPointer v);

        // Read back by NativeModelTest: what apply() hands the core.
        @MemberGetter
        public native int backend();
        @MemberGetter
        public native int activation_precision();
    }

    /** {@code nt_model_stats}. */
    @Name("nt_model_stats")
    public static class NtModelStats extends Pointer {
        static {
            Loader.load();
        }

        public NtModelStats() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();


        @MemberGetter
        public native long weight_bytes_mapped();
        @MemberGetter
        public native long weight_bytes_owned();
        @MemberGetter
        public native long state_bytes_per_sequence();
        @MemberGetter
        public native long kv_bytes_per_token();
        @MemberGetter
        public native int n_threads();
        @MemberGetter
        public native int state_slots();
        @MemberGetter
        public native int state_slots_free();
        @MemberGetter
        public native int kv_block_tokens();
        @MemberGetter
        public native long kv_blocks();
        @MemberGetter
        public native long kv_blocks_free();
        @MemberGetter
        public native long kv_bytes_per_block();
        @MemberGetter
        public native int backend();
        @MemberGetter
        public native int device_index();
        @MemberGetter
        public native long device_weight_bytes();
    }

    /** {@code nt_limits}: the machine's measured limits. */
    @Name("nt_limits")
    public static class NtLimits extends Pointer {
        static {
            Loader.load();
        }

        public NtLimits() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberGetter
        public native double read_gb_s();
        @MemberGetter
        public native double copy_gb_s();
        @MemberGetter
        public native double fma_gflop_s();
        @MemberGetter
        public native double gemm_gflop_s();
    }

    /** {@code nt_batch_entry}: one sequence's part of a batched step; used as an array. */
    @Name("nt_batch_entry")
    public static class NtBatchEntry extends Pointer {
        static {
            Loader.load();
        }

        public NtBatchEntry(long size) {
            super((Pointer) null);
            allocateArray(size);
        }

        private native void allocateArray(long size);

        @Override
        public NtBatchEntry position(long position) {
            return super.position(position);
        }

        @MemberSetter
        public native NtBatchEntry sequence(NtSequence v);
        @MemberSetter
        public native NtBatchEntry tokens(@Const IntPointer v);
        @MemberSetter
        public native NtBatchEntry n_tokens(int v);
        @MemberSetter
        public native NtBatchEntry want_logits(int v);
    }

    /** {@code nt_sampling}: one draw's parameters. */
    @Name("nt_sampling")
    public static class NtSampling extends Pointer {
        static {
            Loader.load();
        }

        public NtSampling() {
            super((Pointer) null);
            allocate();
        }

        public NtSampling(long size) {
            super((Pointer) null);
            allocateArray(size);
        }

        private native void allocate();

        private native void allocateArray(long size);

        @Override
        public NtSampling position(long position) {
            return super.position(position);
        }

        @MemberSetter
        public native NtSampling temperature(float v);
        @MemberSetter
        public native NtSampling top_k(int v);
        @MemberSetter
        public native NtSampling top_p(float v);
        @MemberSetter
        public native NtSampling min_p(float v);
        @MemberSetter
        public native NtSampling repetition_penalty(float v);
        @MemberSetter
        public native NtSampling presence_penalty(float v);
        @MemberSetter
        public native NtSampling frequency_penalty(float v);
        @MemberSetter
        public native NtSampling seed(long v);
        @MemberSetter
        public native NtSampling step(long v);
        @MemberSetter
        public native NtSampling output_start(long v);
        @MemberSetter
        public native NtSampling n_logprobs(int v);
        @MemberSetter
        public native NtSampling bias_ids(@Const IntPointer v);
        @MemberSetter
        public native NtSampling bias_values(@Const FloatPointer v);
        @MemberSetter
        public native NtSampling n_bias(int v);
        @MemberSetter
        public native NtSampling suppressed_ids(@Const IntPointer v);
        @MemberSetter
        public native NtSampling n_suppressed(int v);
    }

    /** {@code nt_sample_result}. */
    @Name("nt_sample_result")
    public static class NtSampleResult extends Pointer {
        static {
            Loader.load();
        }

        public NtSampleResult() {
            super((Pointer) null);
            allocate();
        }

        public NtSampleResult(long size) {
            super((Pointer) null);
            allocateArray(size);
        }

        private native void allocate();

        private native void allocateArray(long size);

        @Override
        public NtSampleResult position(long position) {
            return super.position(position);
        }

        @MemberGetter
        public native int token();
        @MemberGetter
        public native float logprob();
        @MemberGetter
        public native int n_top();
        // getter + setter pairs: how JavaCPP recognises accessors of a fixed-size array member
        public native int top_ids(int i);
        public native NtSampleResult top_ids(int i, int v);
        public native float top_logprobs(int i);
        public native NtSampleResult top_logprobs(int i, float v);
    }

    /** Opaque {@code nt_model*}. */
    @Opaque
    @Name("nt_model")
    public static class NtModel extends Pointer {
        public NtModel() {
            super((Pointer) null);
        }
    }

    /** Opaque {@code nt_sequence*}. */
    @Opaque
    @Name("nt_sequence")
    public static class NtSequence extends Pointer {
        public NtSequence() {
            super((Pointer) null);
        }
    }

    public static native int nt_model_load(@Const NtConfig config, @Cast("const char*const*") PointerPointer<?> filePaths,
            int nFiles, @Const NtTensorDesc tensors, int nTensors, @Const NtModelOptions options,
            @ByPtrPtr NtModel outModel, NtError error);

    public static native int nt_model_create_random(@Const NtConfig config, long seed, @Const NtModelOptions options,
            @ByPtrPtr NtModel outModel, NtError error);

    public static native int nt_measure_limits(int nThreads, NtLimits outLimits, NtError error);

    public static native int nt_model_feed_batch(NtModel model, @Const NtBatchEntry entries, int nEntries, NtError error);

    public static native int nt_model_sample_batch(NtModel model, @Cast("nt_sequence*const*") PointerPointer<?> sequences,
            @Const NtSampling params, int n, NtSampleResult results, NtError error);

    public static native int nt_model_stats_get(@Const NtModel model, NtModelStats outStats, NtError error);

    public static native void nt_model_free(NtModel model);

    @Cast("const char*")
    public static native BytePointer nt_model_device_name(@Const NtModel model);

    public static native int nt_sequence_create(NtModel model, @ByPtrPtr NtSequence outSequence, NtError error);

    public static native int nt_sequence_fork(@Const NtSequence source, @ByPtrPtr NtSequence outSequence, NtError error);

    public static native long nt_sequence_length(@Const NtSequence sequence);

    public static native int nt_sequence_feed(NtSequence sequence, @Const IntPointer tokens, int nTokens,
            FloatPointer logits, int logitsRows, long logitsCapacity, NtError error);

    public static native int nt_sequence_feed_traced(NtSequence sequence, @Const IntPointer tokens, int nTokens,
            FloatPointer logits, int logitsRows, long logitsCapacity, FloatPointer hidden, long hiddenCapacity,
            NtError error);

    public static native int nt_sequence_sample(NtSequence sequence, @Const NtSampling params, NtSampleResult result,
            NtError error);

    public static native void nt_sequence_free(NtSequence sequence);

    @Cast("const char*")
    public static native BytePointer nt_version();
}
