package dev.embedconsent.html;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: run the default rewriter over bytes, whole or in chunks, and record what it reports. */
final class Rewrites {
    static final EmbedRewriter DEFAULT = EmbedRewriter.withDefaults();

    private Rewrites() {}

    static String rewrite(String html) {
        return new String(rewrite(DEFAULT, html.getBytes(StandardCharsets.UTF_8), PageContext.defaults(), null),
                StandardCharsets.UTF_8);
    }

    static byte[] rewrite(EmbedRewriter rewriter, byte[] input, PageContext context, Random chunking) {
        return rewrite(rewriter, input, context, chunking, null);
    }

    /** Rewrites {@code input}, fed in random chunks when {@code chunking} is given, else in one write. */
    static byte[] rewrite(EmbedRewriter rewriter, byte[] input, PageContext context, Random chunking,
            OutputObserver observer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length + 4096);
        try {
            RewriteSession session = observer == null ? rewriter.open(out, context)
                    : rewriter.open(out, context, observer);
            if (chunking == null) {
                session.write(input);
            } else {
                int i = 0;
                while (i < input.length) {
                    int n = Math.min(input.length - i, 1 + chunking.nextInt(chunking.nextBoolean() ? 8 : 700));
                    if (n == 1 && chunking.nextBoolean()) {
                        session.write(input[i]);
                    } else {
                        session.write(input, i, n);
                    }
                    i += n;
                    if (chunking.nextInt(10) == 0) {
                        session.flush();
                    }
                }
            }
            session.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Context whose listener collects the embeds found. */
    static PageContext collecting(List<FoundEmbed> found) {
        return new PageContext(null, null, java.util.Set.of(), "/page", found::add, null);
    }

    /** Records a session's output as copied input, insertions and replacements. */
    static final class Recorder implements OutputObserver {
        final ByteArrayOutputStream input = new ByteArrayOutputStream();
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final List<String> insertions = new ArrayList<>();
        /** Where each insertion starts in the output. */
        final List<Integer> insertedAt = new ArrayList<>();
        /** How much of the input had been copied or replaced at each insertion. */
        final List<Integer> insertedAtInput = new ArrayList<>();

        @Override
        public void copied(byte[] bytes, int offset, int length) {
            input.write(bytes, offset, length);
            output.write(bytes, offset, length);
        }

        @Override
        public void inserted(byte[] bytes) {
            insertions.add(new String(bytes, StandardCharsets.UTF_8));
            insertedAt.add(output.size());
            insertedAtInput.add(input.size());
            output.writeBytes(bytes);
        }

        @Override
        public void replaced(byte[] original, byte[] replacement) {
            input.writeBytes(original);
            output.writeBytes(replacement);
        }
    }
}
