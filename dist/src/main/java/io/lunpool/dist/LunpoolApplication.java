package io.lunpool.dist;

/** Placeholder until the application lands in this commit series. */
public final class LunpoolApplication {
    private LunpoolApplication() {
    }

    public static void main(String[] args) {
        System.err.println("usage: lunpool <subcommand>");
        System.exit(2);
    }
}
