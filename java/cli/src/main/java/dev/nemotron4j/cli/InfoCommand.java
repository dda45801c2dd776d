package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nemotron4j.ModelInfo;
import dev.nemotron4j.NemotronModel;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nemotron4j info}: what a model folder holds and what it costs to run. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Load a model and print its architecture, layer mix, parameter count and bytes, "
                + "per-sequence Mamba state bytes, attention KV bytes per token, and the device it runs on with "
                + "the weight bytes held in device memory."})
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelInfo info;
        // info computes nothing: mapping the weights is enough, reading them would only cost time
        try (NemotronModel m = NemotronModel.load(model.directory(), model.options().toBuilder().preload(false).build())) {
            info = m.info();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
        } else {
            print(info, out);
        }
        out.flush();
        return 0;
    }

    private static void print(ModelInfo i, PrintWriter out) {
        out.printf("model            %s%n", i.directory());
        out.printf("architecture     %s%n", i.architecture());
        out.printf("layers           %d  %s%n", i.layerPattern().length(), i.layerPattern());
        out.printf("layer mix        %s%n", mix(i.layerCounts()));
        out.printf("parameters       %,d (%s)%n", i.parameters(), Units.count(i.parameters()));
        out.printf("weights          %s  %s%n", Units.bytes(i.weightBytes()), dtypes(i.bytesByDtype()));
        out.printf("state / sequence %s (Mamba conv + SSM state)%n", Units.bytes(i.stateBytesPerSequence()));
        out.printf("KV / token       %s (attention K and V, float32)%n", Units.bytes(i.kvBytesPerToken()));
        out.printf("context          %,d tokens%n", i.contextLength());
        out.printf("device           %s, %s of weights in device memory%n", i.deviceName(),
                Units.bytes(i.deviceWeightBytes()));
        out.printf("native           %s, %d threads%n", i.nativeVersion(), i.threads());
    }

    private static String mix(Map<String, Integer> counts) {
        StringBuilder s = new StringBuilder();
        counts.forEach((k, v) -> s.append(s.length() > 0 ? ", " : "").append(v).append(' ').append(k));
        return s.toString();
    }

    private static String dtypes(Map<String, Long> bytes) {
        StringBuilder s = new StringBuilder();
        bytes.forEach((k, v) -> s.append(s.length() > 0 ? ", " : "(").append(k).append(' ').append(Units.bytes(v)));
        return s.append(')').toString();
    }
}
