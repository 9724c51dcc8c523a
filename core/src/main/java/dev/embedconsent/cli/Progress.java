package dev.embedconsent.cli;

import java.io.PrintStream;

/**
 * Batch progress on stderr, drawn on one line, only when stderr is a terminal ({@code bin/embed-consent} tells us
 * with {@code -Dembedconsent.stderr.tty=true}, since the JVM cannot see which streams are terminals).
 */
final class Progress {
    private final PrintStream err;
    private final int total;
    private final boolean enabled;
    private int lastLength;

    private Progress(PrintStream err, int total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled;
    }

    static Progress forStderr(PrintStream err, int total) {
        return new Progress(err, total, total > 1 && Boolean.getBoolean("embedconsent.stderr.tty"));
    }

    void update(int done, String current) {
        if (!enabled) {
            return;
        }
        String line = "[" + (done + 1) + "/" + total + "] " + current;
        if (line.length() > 100) {
            line = line.substring(0, 97) + "...";
        }
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        err.flush();
        lastLength = line.length();
    }

    /** Erases the progress line so that a message can be printed on its own line. */
    void clear() {
        if (enabled && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            lastLength = 0;
        }
    }

    void done() {
        clear();
        if (enabled) {
            err.println(total + " files done");
        }
    }
}
