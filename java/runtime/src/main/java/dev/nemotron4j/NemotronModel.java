package dev.nemotron4j;

import dev.nemotron4j.chat.ChatResources;
import dev.nemotron4j.config.LayerKind;
import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.engine.Engine;
import dev.nemotron4j.nativeapi.NativeModel;
import dev.nemotron4j.nativeapi.NativeSequence;
import dev.nemotron4j.nativeapi.NativeUnsupportedException;
import dev.nemotron4j.weights.Checkpoint;
import dev.nemotron4j.weights.ModelFolder;
import dev.nemotron4j.weights.TensorInfo;
import dev.nemotron4j.weights.WeightPreloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A Nemotron-H model loaded from a Hugging Face model folder ({@code config.json} + safetensors,
 * single-file or sharded). The config and every safetensors header are validated in Java before the
 * native core memory-maps the weights in their stored dtype. It runs on the device
 * {@link ModelOptions#device()} asks for, or on the CPU where CUDA cannot be used ({@link #device()} says
 * which). Owns native memory: {@link #close()} it; closing also closes the sequences created from it.
 *
 * <pre>{@code
 * try (var model = NemotronModel.load(Path.of("models/tiny-a"), ModelOptions.defaults());
 *      var seq = model.newSequence()) {
 *     float[] logits = seq.feed(1, 17, 42);
 *     int[] next = seq.decodeGreedy(8);
 * }
 * }</pre>
 */
public final class NemotronModel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NemotronModel.class.getName());

    private final Path directory;
    private final NemotronConfig config;
    private final Checkpoint checkpoint;
    private final NativeModel nativeModel;
    private final EngineOptions engineOptions;
    private final GpuActivations gpuActivations;
    private final Device device;
    private final String deviceName;
    private ChatResources chatResources;
    private Engine engine;
    private boolean closed;

    private NemotronModel(Path directory, NemotronConfig config, Checkpoint checkpoint, NativeModel nativeModel,
            ModelOptions options) {
        this.directory = directory;
        this.config = config;
        this.checkpoint = checkpoint;
        this.nativeModel = nativeModel;
        this.engineOptions = options.engine();
        this.gpuActivations = options.gpuActivations();
        NativeModel.Stats stats = nativeModel.stats();
        this.device = stats.backend() == NativeModel.Backend.CUDA ? Device.cuda(stats.deviceIndex()) : Device.CPU;
        this.deviceName = nativeModel.deviceName();
    }

    /** Loads with {@link ModelOptions#defaults()}. */
    public static NemotronModel load(Path directory) {
        return load(directory, ModelOptions.defaults());
    }

    /**
     * Loads a model folder.
     *
     * @throws ModelLoadException naming the file, key or tensor when the folder is not a loadable
     *                            Nemotron-H checkpoint
     */
    public static NemotronModel load(Path directory, ModelOptions options) {
        if (!Files.isDirectory(directory)) {
            throw new ModelLoadException("model folder " + directory + " does not exist or is not a folder");
        }
        long start = System.nanoTime();
        ModelFolder folder = ModelFolder.open(directory);
        NemotronConfig config = folder.config();
        checkContext(config, options);
        Checkpoint checkpoint = folder.checkpoint();
        if (options.preload()) {
            WeightPreloader.preload(checkpoint, options.progress());
        }
        NativeModel nativeModel = loadOnDevice(options, settings -> NativeModel.load(config, checkpoint, settings));
        NemotronModel model = new NemotronModel(directory, config, checkpoint, nativeModel, options);
        LOG.log(System.Logger.Level.DEBUG, () -> String.format("loaded %s (%s, %d tensors) on %s in %.1f ms", directory,
                config.layerPattern(), checkpoint.tensors().size(), model.deviceName, (System.nanoTime() - start) / 1e6));
        return model;
    }

    /**
     * A model of {@code config}'s shape with random bfloat16 weights generated in memory from {@code seed}
     * (for benchmarks of shapes whose checkpoint is not at hand). It has no tokenizer: use
     * {@link #engine()} or {@link #newSequence()}, not chats.
     */
    public static NemotronModel createRandom(NemotronConfig config, long seed, ModelOptions options) {
        checkContext(config, options);
        NativeModel nativeModel = loadOnDevice(options, settings -> NativeModel.createRandom(config, seed, settings));
        return new NemotronModel(null, config, null, nativeModel, options);
    }

    /** A context cap beyond the model's positions would be a promise the model cannot keep (as vLLM refuses it). */
    private static void checkContext(NemotronConfig config, ModelOptions options) {
        int cap = options.engine().maxModelLen();
        if (cap > config.maxPositionEmbeddings()) {
            throw new InvalidRequestException("maxModelLen (--max-model-len) is " + cap + ", over the model's context of "
                    + config.maxPositionEmbeddings() + " tokens (max_position_embeddings); give at most that");
        }
    }

    /**
     * Loads on the device asked for. Where CUDA cannot be used the core says why (NT_UNSUPPORTED) and the model
     * loads again on the CPU: {@code auto} expects that and logs it at INFO; {@code cuda:N} did not, so it is
     * a WARNING with the reason and what to do.
     */
    private static NativeModel loadOnDevice(ModelOptions options, Function<NativeModel.Options, NativeModel> load) {
        NativeModel.Options settings = nativeOptions(options);
        try {
            return load.apply(settings);
        } catch (NativeUnsupportedException e) {
            if (settings.backend() == NativeModel.Backend.CPU) {
                throw e;  // what the CPU cannot do (MoE layers) is no device question
            }
            Device asked = options.device();
            if (asked.kind() == Device.Kind.AUTO) {
                LOG.log(System.Logger.Level.INFO, () -> "device auto: running on the CPU, the CUDA backend is not "
                        + "available here (" + e.getMessage() + ")");
            } else {
                LOG.log(System.Logger.Level.WARNING, () -> "device " + asked + " was asked for but cannot be used; "
                        + "running on the CPU instead. " + e.getMessage() + "\nTo run on the GPU, fix the cause above "
                        + "(the backend library's path: ModelOptions.cudaLibrary, --cuda-library or "
                        + "$NEMOTRON_CUDA_LIBRARY); to run on the CPU without this warning, ask for device cpu (or auto: "
                        + "CUDA where it loads, the CPU elsewhere).");
            }
            return load.apply(settings.onCpu());
        }
    }

    /** What the native core is asked for; the backend is CUDA for {@code auto} too (the CPU is the fallback). */
    static NativeModel.Options nativeOptions(ModelOptions options) {
        NativeModel.StateDtype stateDtype = options.ssmStateDtype() == SsmStateDtype.BFLOAT16
                ? NativeModel.StateDtype.BFLOAT16 : NativeModel.StateDtype.FLOAT32;
        EngineOptions e = options.engine();
        Device device = options.device();
        NativeModel.Backend backend = device.kind() == Device.Kind.CPU ? NativeModel.Backend.CPU
                : NativeModel.Backend.CUDA;
        NativeModel.ActivationPrecision activations = options.gpuActivations() == GpuActivations.FLOAT32
                ? NativeModel.ActivationPrecision.FLOAT32 : NativeModel.ActivationPrecision.BFLOAT16;
        return new NativeModel.Options(options.threads(), stateDtype, e.cacheMemory(), e.stateSlots(),
                e.kvBlockTokens(), backend, device.index(), options.cudaLibrary(), activations,
                options.progress());
    }

    /**
     * The model's engine (started on first use): continuous batching over every request and chat of this
     * model, with the prefix cache. {@link ChatSession}s run on it.
     */
    public synchronized Engine engine() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
        if (engine == null) {
            String name = directory == null ? "random" : String.valueOf(directory.getFileName());
            engine = new Engine(nativeModel, engineOptions, contextLength(), name);
        }
        return engine;
    }

    public Path directory() {
        return directory;
    }

    public NemotronConfig config() {
        return config;
    }

    /**
     * The context a request may fill, prompt and reply: {@code EngineOptions.maxModelLen} when set, else the
     * model's {@code max_position_embeddings}. Longer prompts are refused, replies stop at it.
     */
    public int contextLength() {
        int cap = engineOptions.maxModelLen();
        return cap == 0 ? config.maxPositionEmbeddings() : cap;
    }

    /** The device the model runs on: {@link Device#CPU} or {@code cuda:N}, never {@code auto}. */
    public Device device() {
        return device;
    }

    /** {@code "cpu"}, or the GPU's name and index, e.g. "NVIDIA H100 80GB HBM3 (cuda:0, sm_90)". */
    public String deviceName() {
        return deviceName;
    }

    /**
     * What the CUDA backend's prefill GEMMs read their bfloat16 weights against, as {@link ModelOptions#gpuActivations()}
     * asked; it matters only where {@link #device()} is a CUDA device (the CPU ignores it).
     */
    public GpuActivations gpuActivations() {
        return gpuActivations;
    }

    /** What the engine has computed on this model so far. */
    public EngineCounters counters() {
        return nativeModel.counters();
    }

    /**
     * A new chat session (loads the tokenizer and chat template on first use).
     *
     * @throws ModelLoadException when the folder has no tokenizer or chat template
     */
    public ChatSession newChat(ChatOptions options) {
        return new ChatSession(this, chatResources(), options);
    }

    /** A generation builder pre-filled with the model folder's {@code generation_config.json} defaults. */
    public Generation.Builder generationDefaults() {
        return chatResources().generationConfig().defaults();
    }

    /** The tokenizer, chat template and end-of-turn ids (loaded once). */
    public synchronized ChatResources chatResources() {
        if (directory == null) {
            throw new InvalidRequestException("a model with random weights has no tokenizer or chat template");
        }
        if (chatResources == null) {
            chatResources = ChatResources.load(directory, config);
        }
        return chatResources;
    }

    /**
     * A raw continuation of {@code promptTokens} (no chat template), as {@code /v1/completions}: the text is
     * handed to {@code text} exactly as decoded, cut at the first stop string; the returned reply has the
     * finish reason, usage and token ids (its reasoning / content split is not the raw text). Runs on the
     * engine with every other request; {@code cancelled} lets the caller stop it between tokens.
     *
     * @throws InvalidRequestException for an empty prompt or an id outside the vocabulary
     * @throws ContextLengthExceededException when the prompt fills the context
     */
    public ChatReply complete(int[] promptTokens, Generation generation, java.util.function.Consumer<String> text,
            java.util.function.BooleanSupplier cancelled) {
        return completeStreaming(promptTokens, generation, delta -> {
            if (!delta.text().isEmpty()) {
                text.accept(delta.text());
            }
        }, cancelled);
    }

    /**
     * As {@link #complete}, streamed as deltas: each one's {@link Delta#text()} is the next piece of the text
     * exactly as decoded (cut at the first stop string) and its {@link Delta#logprobs()} the tokens drawn
     * since the previous delta (with {@code Generation.logprobs} set); the last delta has the finish reason.
     */
    public ChatReply completeStreaming(int[] promptTokens, Generation generation,
            java.util.function.Consumer<Delta> deltas, java.util.function.BooleanSupplier cancelled) {
        return RawCompletion.run(this, promptTokens, generation, deltas, cancelled);
    }

    NativeSequence newNativeSequence() {
        return nativeModel.newSequence();
    }

    /** Sequences currently holding native state (for leak checks and metrics). */
    public int liveSequences() {
        return nativeModel.liveSequences();
    }

    /** A new, empty sequence. */
    public Sequence newSequence() {
        return new Sequence(nativeModel.newSequence(), config);
    }

    /** Architecture, layer mix, parameter count and bytes, per-sequence state and KV bytes per token. */
    public ModelInfo info() {
        NativeModel.Stats stats = nativeModel.stats();
        Map<String, Integer> counts = new TreeMap<>();
        for (LayerKind kind : config.layers()) {
            counts.merge(kind.blockType(), 1, Integer::sum);
        }
        long parameters = 0;
        long bytes = 0;
        Map<String, Long> byDtype = new TreeMap<>();
        for (TensorInfo t : checkpoint == null ? java.util.List.<TensorInfo>of() : checkpoint.tensors().values()) {
            parameters += t.numel();
            bytes += t.byteLength();
            byDtype.merge(t.dtype().name(), t.byteLength(), Long::sum);
        }
        return new ModelInfo(directory, "NemotronHForCausalLM", config.layerPattern(), counts, parameters, bytes,
                byDtype, stats.stateBytesPerSequence(), stats.kvBytesPerToken(), config.maxPositionEmbeddings(),
                stats.threads(), device.toString(), deviceName, stats.deviceWeightBytes(), NativeModel.nativeVersion());
    }

    @Override
    public void close() {
        Engine running;
        synchronized (this) {
            closed = true;
            running = engine;
        }
        if (running != null) {
            running.close();
        }
        nativeModel.close();
        synchronized (this) {
            if (chatResources != null) {
                chatResources.close();
                chatResources = null;
            }
        }
    }
}
