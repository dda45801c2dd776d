package dev.nemotron4j.nativeapi;

import dev.nemotron4j.EngineCounters;
import dev.nemotron4j.LoadProgress;
import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.config.LayerKind;
import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.weights.Checkpoint;
import dev.nemotron4j.weights.TensorInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A model loaded in the native core: its weights memory-mapped in their stored dtype. Owns native
 * memory: {@link #close()} it; closing also closes every sequence still open on it (each after its
 * running feed, if any, returns), so no sequence can outlive the weights it reads.
 */
public final class NativeModel implements AutoCloseable {
    /** SSM state storage, as vLLM's {@code --mamba_ssm_cache_dtype}. */
    public enum StateDtype { FLOAT32, BFLOAT16 }

    /** Where the native model runs. */
    public enum Backend { CPU, CUDA }

    /**
     * What the CUDA backend's prefill GEMMs read their bfloat16 weights against ({@code nt_activation_precision}):
     * activations rounded to bfloat16, or split into two bfloat16 halves (float32-accurate). The CPU ignores it.
     */
    public enum ActivationPrecision { BFLOAT16, FLOAT32 }

    /**
     * How the native model is set up: threads, SSM state dtype, the cache pools (0 = native default:
     * 1 GiB, as many state slots as half of it holds up to 256, 16-token KV blocks), and the backend:
     * with {@link Backend#CUDA}, device {@code deviceIndex} through the backend library at {@code cudaLibrary}
     * (null: {@code $NEMOTRON_CUDA_LIBRARY}, the copy packaged in the jar, then the core's own search), its
     * prefill GEMMs reading {@code activations}, and {@code progress} told how far uploading the weights to the
     * GPU has come ({@link LoadProgress.Stage#UPLOADING}).
     */
    public record Options(int threads, StateDtype stateDtype, long cacheBytes, int stateSlots, int kvBlockTokens,
            Backend backend, int deviceIndex, Path cudaLibrary, ActivationPrecision activations,
            LoadProgress progress) {
        public Options {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(activations, "activations");
            Objects.requireNonNull(progress, "progress");
        }

        public static Options defaults(int threads, StateDtype stateDtype) {
            return new Options(threads, stateDtype, 0, 0, 0, Backend.CPU, 0, null, ActivationPrecision.BFLOAT16,
                    LoadProgress.NONE);
        }

        /** These options on the CPU (which has no device, backend library, GEMM activation choice or upload). */
        public Options onCpu() {
            return new Options(threads, stateDtype, cacheBytes, stateSlots, kvBlockTokens, Backend.CPU, 0, null,
                    ActivationPrecision.BFLOAT16, LoadProgress.NONE);
        }
    }

    /** What the native core reports about a loaded model and its cache pools right now. */
    public record Stats(long weightBytesMapped, long weightBytesOwned, long stateBytesPerSequence,
            long kvBytesPerToken, int threads, int stateSlots, int stateSlotsFree, int kvBlockTokens, long kvBlocks,
            long kvBlocksFree, long kvBytesPerBlock, Backend backend, int deviceIndex, long deviceWeightBytes) {}

    /** The machine's limits as the native core measures them (see {@link #measureLimits}). */
    public record Limits(double readGbPerS, double copyGbPerS, double fmaGflopPerS, double gemmGflopPerS) {}

    private final NemotronNative.NtModel handle;
    private final int vocabSize;
    private final Set<NativeSequence> openSequences = ConcurrentHashMap.newKeySet();
    private final LongAdder feedCalls = new LongAdder();
    private final LongAdder tokensFed = new LongAdder();
    private final LongAdder prefillTokens = new LongAdder();
    private final LongAdder tokensSampled = new LongAdder();
    private volatile boolean closed;

    private NativeModel(NemotronNative.NtModel handle, int vocabSize) {
        this.handle = handle;
        this.vocabSize = vocabSize;
    }

    /** Loads a checkpoint Java has already validated; the native core re-checks offsets and shapes. */
    public static NativeModel load(NemotronConfig config, Checkpoint checkpoint, Options settings) {
        List<Path> files = checkpoint.files();
        Map<Path, Integer> fileIndex = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            fileIndex.put(files.get(i), i);
        }
        List<TensorInfo> tensors = new ArrayList<>(checkpoint.tensors().values());
        List<BytePointer> pathStrings = new ArrayList<>();
        try (var error = new NemotronNative.NtError();
                var nativeConfig = toNative(config);
                var descs = new NemotronNative.NtTensorDesc(Math.max(1, tensors.size()));
                var paths = new PointerPointer<BytePointer>(files.size());
                var options = new NemotronNative.NtModelOptions();
                var cudaLibrary = cudaLibrary(settings)) {
            for (int i = 0; i < files.size(); i++) {
                BytePointer p = new BytePointer(files.get(i).toAbsolutePath().toString(), StandardCharsets.UTF_8);
                pathStrings.add(p);
                paths.put(i, p);
            }
            for (int i = 0; i < tensors.size(); i++) {
                fill(descs.position(i), tensors.get(i), fileIndex);
            }
            descs.position(0);
            apply(settings, options, cudaLibrary);
            return open(settings, options, error, "loading " + checkpoint.directory(), config.vocabSize(),
                    model -> NemotronNative.nt_model_load(nativeConfig, paths, files.size(), descs, tensors.size(),
                            options, model, error));
        } finally {
            pathStrings.forEach(BytePointer::close);
        }
    }

    /** A model of {@code config}'s shape with random bf16 weights generated in memory from {@code seed}. */
    public static NativeModel createRandom(NemotronConfig config, long seed, Options settings) {
        try (var error = new NemotronNative.NtError();
                var nativeConfig = toNative(config);
                var options = new NemotronNative.NtModelOptions();
                var cudaLibrary = cudaLibrary(settings)) {
            apply(settings, options, cudaLibrary);
            return open(settings, options, error, "creating a random model", config.vocabSize(),
                    model -> NemotronNative.nt_model_create_random(nativeConfig, seed, options, model, error));
        }
    }

    /**
     * Runs {@code load} (nt_model_load or nt_model_create_random with {@code options}, filling in the handle it is
     * given) and wraps the model it made. On CUDA the core counts the bytes it uploads into an int64_t[2] that lives
     * until the load returns; a {@link ProgressPoller} tells {@code settings.progress()} how far it has come while
     * the load runs, and sends the last update once it has succeeded.
     */
    private static NativeModel open(Options settings, NemotronNative.NtModelOptions options,
            NemotronNative.NtError error, String what, int vocabSize, ToIntFunction<NemotronNative.NtModel> load) {
        if (settings.backend() != Backend.CUDA) {
            return wrap(load, error, what, vocabSize);
        }
        LoadProgress progress = settings.progress();
        try (var uploaded = new LongPointer(new long[2]);
                var poller = new ProgressPoller(() -> uploaded.get(0), () -> uploaded.get(1),
                        (done, total) -> progress.update(LoadProgress.Stage.UPLOADING, done, total),
                        ProgressPoller.INTERVAL, "nemotron4j-upload-progress")) {
            options.upload_progress(uploaded);
            NativeModel model = wrap(load, error, what, vocabSize);
            try {
                poller.finish();
            } catch (RuntimeException | Error e) {
                model.close();
                throw e;
            }
            return model;
        }
    }

    private static NativeModel wrap(ToIntFunction<NemotronNative.NtModel> load, NemotronNative.NtError error,
            String what, int vocabSize) {
        var model = new NemotronNative.NtModel();
        NativeErrors.check(load.applyAsInt(model), error, what);
        return new NativeModel(model, vocabSize);
    }

    /** Measures read and copy bandwidth and the FMA peak on {@code threads} threads (0: all); about a second. */
    public static Limits measureLimits(int threads) {
        try (var error = new NemotronNative.NtError(); var limits = new NemotronNative.NtLimits()) {
            NativeErrors.check(NemotronNative.nt_measure_limits(threads, limits, error), error, "measuring limits");
            return new Limits(limits.read_gb_s(), limits.copy_gb_s(), limits.fma_gflop_s(), limits.gemm_gflop_s());
        }
    }

    /** {@code cudaLibrary} may be null (the CPU, or the core searches for the library itself). */
    static void apply(Options settings, NemotronNative.NtModelOptions options, BytePointer cudaLibrary) {
        options.n_threads(settings.threads()).ssm_state_dtype(settings.stateDtype() == StateDtype.BFLOAT16 ? 2 : 0)
                .cache_bytes(settings.cacheBytes()).state_slots(settings.stateSlots())
                .kv_block_tokens(settings.kvBlockTokens());
        if (settings.backend() == Backend.CUDA) {
            options.backend(NemotronNative.NT_BACKEND_CUDA).device_index(settings.deviceIndex())
                    .cuda_library(cudaLibrary)
                    .activation_precision(settings.activations() == ActivationPrecision.FLOAT32
                            ? NemotronNative.NT_ACTIVATIONS_F32 : NemotronNative.NT_ACTIVATIONS_BF16);
        } else {
            options.backend(NemotronNative.NT_BACKEND_CPU);
        }
    }

    /** The backend library's path as a C string (the caller closes it), or null when there is none to give. */
    private static BytePointer cudaLibrary(Options settings) {
        Path path = settings.backend() == Backend.CUDA ? CudaLibrary.choose(settings.cudaLibrary()) : null;
        return path == null ? null : new BytePointer(path.toString(), StandardCharsets.UTF_8);
    }

    private static NemotronNative.NtConfig toNative(NemotronConfig c) {
        if (c.layers().size() > NemotronNative.NT_MAX_LAYERS) {
            throw new ModelLoadException("config.json has " + c.layers().size() + " layers; at most "
                    + NemotronNative.NT_MAX_LAYERS + " are supported");
        }
        var n = new NemotronNative.NtConfig();
        String pattern = c.layers().stream().map(k -> String.valueOf(k.symbol())).collect(Collectors.joining());
        n.layer_kinds().put(pattern.getBytes(StandardCharsets.US_ASCII)).put(pattern.length(), (byte) 0);
        n.vocab_size(c.vocabSize()).hidden_size(c.hiddenSize()).n_layers(c.layers().size());
        if (c.count(LayerKind.ATTENTION) > 0) {
            n.n_heads(c.numAttentionHeads()).n_kv_heads(c.numKeyValueHeads()).attn_head_dim(c.headDim())
                    .attention_bias(c.attentionBias() ? 1 : 0);
        }
        if (c.count(LayerKind.MLP) > 0) {
            n.intermediate_size(c.intermediateSize()).mlp_bias(c.mlpBias() ? 1 : 0);
        }
        if (c.count(LayerKind.MAMBA) > 0) {
            n.mamba_n_heads(c.mambaNumHeads()).mamba_head_dim(c.mambaHeadDim()).n_groups(c.nGroups())
                    .d_state(c.ssmStateSize()).conv_kernel(c.convKernel()).chunk_size(c.chunkSize())
                    .use_conv_bias(c.useConvBias() ? 1 : 0).mamba_proj_bias(c.mambaProjBias() ? 1 : 0);
        }
        n.tie_word_embeddings(c.tieWordEmbeddings() ? 1 : 0)
                .norm_eps((float) c.layerNormEpsilon())
                .dt_min((float) c.timeStepLimitMin())
                .dt_max((float) c.timeStepLimitMax());
        return n;
    }

    private static void fill(NemotronNative.NtTensorDesc d, TensorInfo t, Map<Path, Integer> fileIndex) {
        byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
        if (name.length >= NemotronNative.NT_MAX_NAME) {
            throw new ModelLoadException("tensor name too long (" + name.length + " bytes): " + t.name());
        }
        long[] shape = t.shape();
        if (shape.length > 4) {
            throw new ModelLoadException("tensor " + t.name() + " in " + t.file() + " has " + shape.length
                    + " dimensions; at most 4 are supported");
        }
        d.name().put(name).put(name.length, (byte) 0);
        d.file_index(fileIndex.get(t.file())).dtype(t.dtype().ordinal()).n_dims(shape.length);
        for (int i = 0; i < shape.length; i++) {
            d.shape(i, shape[i]);
        }
        d.offset(t.offset()).n_bytes(t.byteLength());
    }

    public int vocabSize() {
        return vocabSize;
    }

    public synchronized Stats stats() {
        try (var error = new NemotronNative.NtError(); var s = new NemotronNative.NtModelStats()) {
            NativeErrors.check(NemotronNative.nt_model_stats_get(live(), s, error), error, "model stats");
            return new Stats(s.weight_bytes_mapped(), s.weight_bytes_owned(), s.state_bytes_per_sequence(),
                    s.kv_bytes_per_token(), s.n_threads(), s.state_slots(), s.state_slots_free(), s.kv_block_tokens(),
                    s.kv_blocks(), s.kv_blocks_free(), s.kv_bytes_per_block(),
                    s.backend() == NemotronNative.NT_BACKEND_CUDA ? Backend.CUDA : Backend.CPU, s.device_index(),
                    s.device_weight_bytes());
        }
    }

    /** {@code "cpu"}, or the device's name and index, e.g. "NVIDIA H100 80GB HBM3 (cuda:0, sm_90)". */
    public synchronized String deviceName() {
        return NemotronNative.nt_model_device_name(live()).getString();
    }

    /** A new empty sequence (state zeroed, no tokens). */
    public synchronized NativeSequence newSequence() {
        try (var error = new NemotronNative.NtError()) {
            var seq = new NemotronNative.NtSequence();
            NativeErrors.check(NemotronNative.nt_sequence_create(live(), seq, error), error, "creating a sequence");
            var sequence = new NativeSequence(seq, this);
            openSequences.add(sequence);
            return sequence;
        }
    }

    void countFeed(int tokens) {
        feedCalls.increment();
        tokensFed.add(tokens);
        if (tokens > 1) {
            prefillTokens.add(tokens);
        }
    }

    void countSample() {
        tokensSampled.increment();
    }

    /** Counters of everything computed on this model's sequences. */
    public EngineCounters counters() {
        return new EngineCounters(feedCalls.sum(), tokensFed.sum(), prefillTokens.sum(), tokensSampled.sum());
    }

    /** Sequences currently holding native state (sessions hold one snapshot each between turns). */
    public int liveSequences() {
        return openSequences.size();
    }

    void adopt(NativeSequence sequence) {
        openSequences.add(sequence);
    }

    void forget(NativeSequence sequence) {
        openSequences.remove(sequence);
    }

    public static String nativeVersion() {
        return NemotronNative.nt_version().getString();
    }

    NemotronNative.NtModel live() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;  // no new sequences from here on
        }
        // A fork running on a sequence may add its child while we close: repeat until none are left.
        while (!openSequences.isEmpty()) {
            for (NativeSequence sequence : List.copyOf(openSequences)) {
                sequence.close();
            }
        }
        synchronized (this) {
            NemotronNative.nt_model_free(handle);
        }
    }
}
