package dev.nemotron4j;

import dev.nemotron4j.chat.ChatResources;
import dev.nemotron4j.config.LayerKind;
import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.engine.Engine;
import dev.nemotron4j.nativeapi.NativeModel;
import dev.nemotron4j.nativeapi.NativeSequence;
import dev.nemotron4j.weights.Checkpoint;
import dev.nemotron4j.weights.ModelFolder;
import dev.nemotron4j.weights.TensorInfo;
import dev.nemotron4j.weights.WeightPreloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Nemotron-H model loaded from a Hugging Face model folder ({@code config.json} + safetensors,
 * single-file or sharded). The config and every safetensors header are validated in Java before the
 * native core memory-maps the weights in their stored dtype. Owns native memory: {@link #close()} it;
 * closing also closes the sequences created from it.
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
    private ChatResources chatResources;
    private Engine engine;
    private boolean closed;

    private NemotronModel(Path directory, NemotronConfig config, Checkpoint checkpoint, NativeModel nativeModel,
            EngineOptions engineOptions) {
        this.directory = directory;
        this.config = config;
        this.checkpoint = checkpoint;
        this.nativeModel = nativeModel;
        this.engineOptions = engineOptions;
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
        Checkpoint checkpoint = folder.checkpoint();
        if (options.preload()) {
            WeightPreloader.preload(checkpoint, options.progress());
        }
        NativeModel nativeModel = NativeModel.load(config, checkpoint, nativeOptions(options));
        LOG.log(System.Logger.Level.DEBUG, () -> String.format("loaded %s (%s, %d tensors) in %.1f ms", directory,
                config.layerPattern(), checkpoint.tensors().size(), (System.nanoTime() - start) / 1e6));
        return new NemotronModel(directory, config, checkpoint, nativeModel, options.engine());
    }

    /**
     * A model of {@code config}'s shape with random bfloat16 weights generated in memory from {@code seed}
     * (for benchmarks of shapes whose checkpoint is not at hand). It has no tokenizer: use
     * {@link #engine()} or {@link #newSequence()}, not chats.
     */
    public static NemotronModel createRandom(NemotronConfig config, long seed, ModelOptions options) {
        NativeModel nativeModel = NativeModel.createRandom(config, seed, nativeOptions(options));
        return new NemotronModel(null, config, null, nativeModel, options.engine());
    }

    private static NativeModel.Options nativeOptions(ModelOptions options) {
        NativeModel.StateDtype stateDtype = options.ssmStateDtype() == SsmStateDtype.BFLOAT16
                ? NativeModel.StateDtype.BFLOAT16 : NativeModel.StateDtype.FLOAT32;
        EngineOptions e = options.engine();
        return new NativeModel.Options(options.threads(), stateDtype, e.cacheMemory(), e.stateSlots(),
                e.kvBlockTokens());
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
            engine = new Engine(nativeModel, engineOptions, config.maxPositionEmbeddings(), name);
        }
        return engine;
    }

    public Path directory() {
        return directory;
    }

    public NemotronConfig config() {
        return config;
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
                stats.threads(), NativeModel.nativeVersion());
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
