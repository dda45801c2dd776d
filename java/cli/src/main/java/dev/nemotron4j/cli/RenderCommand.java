package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.chat.template.ChatTemplate;
import dev.nemotron4j.chat.template.RenderCases;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron4j render}: a model's chat template against a file of expected renders (the format of
 * {@code models/chat-template/golden_renders.json}), byte for byte. Loads no weights, so it has its own
 * {@code --model} instead of the shared model options.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Render every case of a render-case file with a model folder's chat template (or the "
                + "case's own \"template\") and compare with the expected text byte for byte; a case with "
                + "\"error\" must fail to render.",
                "Prints one line per case; exit code 0 exactly when every case matches."})
final class RenderCommand implements Callable<Integer> {
    static final int EXIT_MISMATCH = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", paramLabel = "DIR",
            description = "model folder with tokenizer_config.json or chat_template.jinja; default: the bundled "
                    + BundledModel.NAME)
    Path model;

    @Option(names = "--cases", required = true, paramLabel = "FILE",
            description = "render cases, e.g. models/chat-template/golden_renders.json")
    Path cases;

    @Option(names = "--json", description = "after the table, print one JSON object as the last line")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = model != null ? model : BundledModel.directory();
        ChatTemplate template = ChatTemplate.fromModelFolder(dir);
        List<RenderCases.Case> all = RenderCases.read(cases);
        out.printf("render %s with the chat template of %s%n", cases, dir);
        int width = Math.max(4, all.stream().mapToInt(c -> c.name().length()).max().orElse(4));
        List<RenderCases.Result> results = new ArrayList<>();
        for (RenderCases.Case c : all) {
            RenderCases.Result r = RenderCases.check(template, c);
            results.add(r);
            out.printf("%-" + width + "s  %s%n", r.name(), describe(r));
            out.flush();
        }
        long matched = results.stream().filter(RenderCases.Result::match).count();
        boolean pass = matched == results.size();
        out.printf("%d/%d cases match: %s%n", matched, results.size(), pass ? "PASS" : "FAIL");
        if (json) {
            out.println(toJson(results, matched, pass));
        }
        out.flush();
        return pass ? 0 : EXIT_MISMATCH;
    }

    private static String describe(RenderCases.Result r) throws Exception {
        if (r.match()) {
            return r.error() == null ? "match" : "match (raises: " + r.error() + ")";
        }
        // JSON string literals make newlines and trailing spaces in the excerpts visible
        return "MISMATCH at " + r.firstDifference() + ": expected " + JSON.writeValueAsString(r.expectedExcerpt())
                + ", got " + JSON.writeValueAsString(r.actualExcerpt());
    }

    static String toJson(List<RenderCases.Result> results, long matched, boolean pass) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode cases = root.putArray("cases");
        for (RenderCases.Result r : results) {
            ObjectNode c = cases.addObject().put("name", r.name()).put("match", r.match());
            if (!r.match()) {
                c.put("first_difference", r.firstDifference());
            }
        }
        root.put("matched", matched);
        root.put("total", results.size());
        root.put("pass", pass);
        return JSON.writeValueAsString(root);
    }
}
