package dev.nemotron4j.cli;

/** Human-readable sizes and counts for terminal output. */
final class Units {
    private Units() {}

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format("%.2f %s", v, units[u]);
    }

    static String count(long n) {
        if (n >= 1_000_000_000L) {
            return String.format("%.2f B", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format("%.2f M", n / 1e6);
        }
        if (n >= 1_000L) {
            return String.format("%.1f K", n / 1e3);
        }
        return Long.toString(n);
    }
}
