package dev.nemotron4j;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a model runs, written as {@code cpu}, {@code cuda:N} ({@code cuda} is {@code cuda:0}) or {@code auto}
 * (CUDA device 0 when the CUDA backend loads, else the CPU). {@link #parse} reads those strings and
 * {@link #toString} writes them. {@link ModelOptions#device()} is the device asked for;
 * {@link NemotronModel#device()} the one the model runs on, never {@code auto}.
 *
 * @param kind  CPU, CUDA or AUTO
 * @param index the CUDA device ({@code cuda:N}); 0 for CPU and AUTO
 */
public record Device(Kind kind, int index) {
    /** The kinds of device. */
    public enum Kind { CPU, CUDA, AUTO }

    public static final Device CPU = new Device(Kind.CPU, 0);
    public static final Device AUTO = new Device(Kind.AUTO, 0);

    private static final Pattern CUDA_INDEX = Pattern.compile("cuda:(\\d{1,9})");

    public Device {
        if (kind == null) {
            throw new InvalidRequestException("device kind must not be null");
        }
        if (index < 0) {
            throw new InvalidRequestException("device index must be >= 0, got " + index);
        }
        if (kind != Kind.CUDA && index != 0) {
            throw new InvalidRequestException("device " + kind.name().toLowerCase(Locale.ROOT) + " takes no index, got "
                    + index);
        }
    }

    /** CUDA device {@code index} ({@code cuda:N}). */
    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /**
     * Reads {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (any case, surrounding spaces ignored).
     *
     * @throws InvalidRequestException naming the accepted forms, for anything else
     */
    public static Device parse(String text) {
        if (text == null) {
            throw new InvalidRequestException("device must be cpu, cuda, cuda:N or auto, got null");
        }
        String s = text.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "cpu" -> CPU;
            case "auto" -> AUTO;
            case "cuda" -> cuda(0);
            default -> {
                Matcher m = CUDA_INDEX.matcher(s);
                if (!m.matches()) {
                    String hint = s.startsWith("cuda:") ? " (N is a device number: 0, 1, …)" : "";
                    throw new InvalidRequestException("device must be cpu, cuda, cuda:N or auto" + hint + ", got '"
                            + text + "'");
                }
                yield cuda(Integer.parseInt(m.group(1)));
            }
        };
    }

    /** {@code cpu}, {@code cuda:N} or {@code auto}: what {@link #parse} reads. */
    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
