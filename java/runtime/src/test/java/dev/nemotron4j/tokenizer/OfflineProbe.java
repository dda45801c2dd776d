package dev.nemotron4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a fresh JVM by {@link DjlSwitchesTest}: loads a tokenizer while every http(s)/ftp URL the
 * process opens is recorded and refused, then prints what it saw. A fresh JVM because DJL decides where
 * its native library comes from once per process, and the URL handler factory can be set only once.
 *
 * <p>Arguments: {@code nemotron DIR} loads through {@link Tokenizer}; {@code raw DIR} calls DJL directly,
 * without our switches, to show that the recorder sees DJL's call home when nothing stops it.
 */
public final class OfflineProbe {
    private static final List<String> CONTACTED = new CopyOnWriteArrayList<>();

    private OfflineProbe() {}

    public static void main(String[] args) throws IOException {
        // DJL's telemetry opens its connections with Proxy.NO_PROXY, so a bogus proxy would not see
        // them; every java.net.URL connection goes through this factory instead
        URL.setURLStreamHandlerFactory(protocol -> List.of("http", "https", "ftp").contains(protocol)
                ? new RefusingHandler() : null);
        Path dir = Path.of(args[1]);
        String ids;
        if (args[0].equals("nemotron")) {
            try (Tokenizer tokenizer = Tokenizer.fromModelFolder(dir)) {
                ids = Arrays.toString(tokenizer.encode("What is 2+2?"));
            }
        } else {
            try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
                ids = Arrays.toString(tokenizer.encode("What is 2+2?", false, false).getIds());
            } catch (RuntimeException e) { // e.g. a GPU build it could not download
                ids = "failed: " + e;
            }
        }
        System.out.println("ids " + ids);
        for (DjlSwitches.Switch s : DjlSwitches.OFFLINE) {
            System.out.println("property " + s.property() + "=" + System.getProperty(s.property()));
        }
        CONTACTED.forEach(url -> System.out.println("contacted " + url));
    }

    private static final class RefusingHandler extends URLStreamHandler {
        @Override
        protected URLConnection openConnection(URL url) throws IOException {
            CONTACTED.add(url.toString());
            throw new IOException("OfflineProbe refuses " + url);
        }

        @Override
        protected URLConnection openConnection(URL url, Proxy proxy) throws IOException {
            return openConnection(url);
        }
    }
}
