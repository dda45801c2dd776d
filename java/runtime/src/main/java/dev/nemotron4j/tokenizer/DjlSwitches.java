package dev.nemotron4j.tokenizer;

import java.util.List;

/**
 * DJL's process-wide switches that keep the tokenizer offline. DJL reads each of them from the
 * environment first and then from a system property ({@code ai.djl.util.Utils.getEnvOrSystemProperty},
 * {@code Utils.isOfflineMode}), at the moment it needs them; we set the property unless the user has
 * already said something either way, before the first DJL tokenizer is created. System properties are
 * the only way DJL 0.38 takes these settings, which is why this class touches process-wide state.
 */
final class DjlSwitches {
    /** One switch: the environment variable DJL reads first, the property it falls back to, our value. */
    record Switch(String environmentVariable, String property, String value, String why) {}

    /** What each switch prevents, as read in DJL 0.38's sources (ai.djl:api, ai.djl.huggingface:tokenizers). */
    static final List<Switch> OFFLINE = List.of(
            new Switch("DJL_OFFLINE", "ai.djl.offline", "true",
                    "Utils.isOfflineMode: Utils.openHttpConnection refuses every URL, Ec2Utils.callHome returns at"
                            + " once, and LibUtils.copyJniLibrary picks the jar's \"cpu\" build instead of a CUDA"
                            + " build it would download from publish.djl.ai"),
            new Switch("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true",
                    "Ec2Utils.callHome: no EC2 metadata probe of 169.254.169.254 (up to three 1 s timeouts)"
                            + " and no telemetry request, even where offline mode is turned off"),
            new Switch("RUST_FLAVOR", "RUST_FLAVOR", "cpu",
                    "LibUtils.copyJniLibrary: the native library comes from native/lib/<platform>/cpu/ in the"
                            + " jar even on a machine with a GPU and offline mode turned off"));

    private DjlSwitches() {}

    /**
     * Sets every switch the user has not set. Idempotent and cheap: called before each tokenizer load.
     * A user's own setting (environment or {@code -D}) wins, so an application that wants DJL online for
     * something else can say so; the tokenizer itself needs nothing from the network.
     */
    static void apply() {
        for (Switch s : OFFLINE) {
            if (System.getenv(s.environmentVariable()) == null && System.getProperty(s.property()) == null) {
                System.setProperty(s.property(), s.value());
            }
        }
    }
}
