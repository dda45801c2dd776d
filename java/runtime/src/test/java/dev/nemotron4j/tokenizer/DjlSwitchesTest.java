package dev.nemotron4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a tokenizer contacts nothing and downloads nothing: a fresh JVM ({@link OfflineProbe}) with
 * an empty home folder, no DJL settings in its environment and every URL connection recorded and
 * refused loads the tokenizer, opens no URL, and the only file DJL leaves in its cache is the native
 * library, byte for byte the one in DJL's jar.
 */
class DjlSwitchesTest {
    private static final String GOLDEN_IDS = "[80, 97, 302, 317, 390, 36, 43, 56]"; // "What is 2+2?"

    @TempDir
    Path tmp;

    /** What one probe JVM printed, by line kind, and the files it left under its home folder. */
    private record Probe(String ids, Map<String, String> properties, List<String> contacted, List<Path> homeFiles) {}

    @Test
    void loadingContactsNothingAndTakesTheNativeLibraryFromTheJar() throws Exception {
        Probe probe = run("nemotron");
        assertEquals(GOLDEN_IDS, probe.ids());
        assertEquals(List.of(), probe.contacted());
        assertEquals(Map.of("ai.djl.offline", "true", "OPT_OUT_TRACKING", "true", "RUST_FLAVOR", "cpu"),
                probe.properties());
        assertOnlyTheJarsLibraryWasExtracted(probe.homeFiles());
    }

    @Test
    void theOtherSwitchesHoldWhenTheUserTurnsOfflineModeOff() throws Exception {
        // the user's -Dai.djl.offline=false wins; tracking opt-out and the CPU flavor still keep DJL quiet
        Probe probe = run("nemotron", "-Dai.djl.offline=false");
        assertEquals(GOLDEN_IDS, probe.ids());
        assertEquals("false", probe.properties().get("ai.djl.offline"));
        assertEquals(List.of(), probe.contacted());
        assertOnlyTheJarsLibraryWasExtracted(probe.homeFiles());
    }

    @Test
    void withoutTheSwitchesDjlCallsHome() throws Exception {
        // the control: proves the probe would see a contact, here the EC2 metadata endpoint
        Probe probe = run("raw");
        assertTrue(probe.contacted().stream().anyMatch(url -> url.startsWith("http://169.254.169.254/")),
                "contacted: " + probe.contacted());
    }

    private void assertOnlyTheJarsLibraryWasExtracted(List<Path> homeFiles) throws IOException {
        String library = System.mapLibraryName("tokenizers");
        assertEquals(1, homeFiles.size(), "files DJL wrote: " + homeFiles);
        Path extracted = homeFiles.get(0);
        assertTrue(extracted.startsWith(Path.of(".djl.ai", "tokenizers")), extracted.toString());
        assertTrue(extracted.getParent().toString().contains("-cpu-"), "the CPU build: " + extracted);
        assertEquals(library, extracted.getFileName().toString());
        String resource = "native/lib/" + platform() + "/cpu/" + library;
        try (InputStream jar = Tokenizer.class.getClassLoader().getResourceAsStream(resource)) {
            assertTrue(jar != null, resource);
            assertEquals(sha256(jar.readAllBytes()), sha256(Files.readAllBytes(tmp.resolve("home").resolve(extracted))),
                    "the extracted library is the jar's " + resource);
        }
    }

    /** Runs {@link OfflineProbe} in a fresh JVM with an empty home and no DJL environment variables. */
    private Probe run(String mode, String... jvmOptions) throws IOException, InterruptedException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path javaTmp = Files.createDirectories(tmp.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-Djava.io.tmpdir=" + javaTmp));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OfflineProbe.class.getName(), mode,
                TokenizerFixtures.tokenizerTiny().toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (DjlSwitches.Switch s : DjlSwitches.OFFLINE) {
            builder.environment().remove(s.environmentVariable());
        }
        Stream.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "RUST_LIBRARY_PATH", "HF_HOME")
                .forEach(builder.environment()::remove);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe timed out");
        assertEquals(0, process.exitValue(), output);

        String ids = null;
        Map<String, String> properties = new TreeMap<>();
        List<String> contacted = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("ids ")) {
                ids = line.substring(4);
            } else if (line.startsWith("property ")) {
                String[] kv = line.substring(9).split("=", 2);
                properties.put(kv[0], kv[1]);
            } else if (line.startsWith("contacted ")) {
                contacted.add(line.substring(10));
            }
        }
        List<Path> homeFiles;
        try (Stream<Path> files = Files.walk(home)) {
            homeFiles = files.filter(Files::isRegularFile).map(home::relativize).collect(Collectors.toList());
        }
        return new Probe(ids, properties, contacted, homeFiles);
    }

    /** DJL's name for this machine's platform folder in the jar (ai.djl.util.Platform). */
    private static String platform() {
        String os = System.getProperty("os.name");
        String prefix = os.startsWith("Win") ? "win" : os.startsWith("Mac") ? "osx" : "linux";
        String arch = System.getProperty("os.arch");
        return prefix + "-" + ("amd64".equals(arch) ? "x86_64" : arch);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
