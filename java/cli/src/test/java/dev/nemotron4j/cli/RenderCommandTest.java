package dev.nemotron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nemotron4j render}: the table, the JSON last line, and the exit codes. */
class RenderCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
        JsonNode lastLine() throws IOException {
            String[] lines = out.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RenderCommand());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The repository's models/ folder, found upward from the module folder Maven runs tests in. */
    private static Path models() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("models").resolve("chat-template"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "the repository's models/ folder");
        return p.resolve("models");
    }

    @Test
    void goldenRendersAllMatch() throws IOException {
        Path model = models().resolve("nemotron-h-tiny-chat");
        Run r = run("--model", model.toString(), "--cases", models().resolve("chat-template/golden_renders.json").toString(),
                "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("think_on") && r.out().contains("5/5 cases match: PASS"), r.out());
        JsonNode report = r.lastLine();
        assertTrue(report.get("pass").asBoolean());
        assertEquals(5, report.get("matched").asInt());
        assertEquals(5, report.get("total").asInt());
        assertEquals("think_on", report.get("cases").get(0).get("name").asText());
        assertTrue(report.get("cases").get(0).get("match").asBoolean());
    }

    @Test
    void extraRendersAllMatch() throws IOException {
        Run r = run("--model", models().resolve("tokenizer-tiny").toString(),
                "--cases", models().resolve("chat-template/extra_renders.json").toString(), "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.lastLine().get("pass").asBoolean());
        assertTrue(r.lastLine().get("total").asInt() > 200);
    }

    @Test
    void aMismatchIsShownAndFailsTheRun() throws IOException {
        Path cases = dir.resolve("cases.json");
        Files.writeString(cases, "{\"cases\": ["
                + "{\"name\": \"right\", \"template\": \"{{ messages[0].content }}\", \"messages\": [{\"role\": \"user\", \"content\": \"a\\nb\"}], \"expected\": \"a\\nb\"},"
                + "{\"name\": \"wrong\", \"template\": \"{{ messages[0].content }}\", \"messages\": [{\"role\": \"user\", \"content\": \"a\\nc\"}], \"expected\": \"a\\nb\"}]}");
        Run r = run("--cases", cases.toString(), "--json");
        assertEquals(RenderCommand.EXIT_MISMATCH, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("MISMATCH at 2: expected \"a\\nb\", got \"a\\nc\""), r.out());
        assertTrue(r.out().contains("1/2 cases match: FAIL"), r.out());
        JsonNode report = r.lastLine();
        assertFalse(report.get("pass").asBoolean());
        assertEquals(1, report.get("matched").asInt());
        assertEquals(2, report.get("cases").get(1).get("first_difference").asInt());
    }

    @Test
    void aMissingFileIsAnErrorNotAStackTrace() {
        Run r = run("--cases", dir.resolve("nope.json").toString());
        assertEquals(ErrorHandler.EXIT_ERROR, r.exit());
        assertTrue(r.err().startsWith("error: cannot read render cases"), r.err());
    }
}
