package dev.embedconsent.store;

import dev.embedconsent.record.SubjectId;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link JsonLinesCrashIT}: appends forever from several threads and prints the id of each
 * acknowledged record, until it is killed.
 */
public final class CrashAppender {

    private CrashAppender() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        JsonLinesConsentStore.Durability durability = JsonLinesConsentStore.Durability.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        JsonLinesConsentStore store = JsonLinesConsentStore.builder(dir).withDurability(durability)
                .withSegmentSize(16 * 1024).build();
        out.println("OPEN");
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                SubjectId subject = SubjectId.random();
                while (true) {
                    String id = store.append(Drafts.draft(subject)).recordId();
                    synchronized (out) {
                        out.println("ACK " + id);
                    }
                }
            });
            thread.start();
        }
        Thread.currentThread().join();
    }
}
