package dev.embedconsent.servlet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Pages rewritten before, kept to be given again ({@code rewrite-cache}). A site serves its popular pages byte for
 * byte alike many times a minute; the rewrite of such a page is the same every time, so it is done once and then
 * replayed, while the page's bytes are checked against the kept input as they arrive.
 *
 * <p>The rewriter's output is a function of the input bytes and of the page's context: path, site host, charset,
 * language, placeholder numbering, the visitor's consent (asked only when the rewriter finds an embed) and the preview
 * proxy's answers. A page is kept under all of these: the consent only if the rewrite asked for it, and the preview
 * answers as a list that must still be answered alike when a replay starts (see {@link PinnablePreviews}). A page with
 * a CSP nonce (different on every response) is never kept.
 *
 * <p>A replay writes the kept output as far as the input has matched: after each write the bytes that the kept
 * rewrite had written once it had read as much input. The rewriter never takes back what it wrote and gives the same
 * output for any chunking of the same input, so whatever input follows, the whole output begins with those bytes. When
 * the input differs (or goes beyond the kept page), a rewrite session is opened, fed the part that matched (its
 * output for that part, already sent, is dropped) and then the rest: the cost of a page that changed is its ordinary
 * rewrite plus a comparison.
 *
 * <p>What is kept: a page is recorded the second time its key is rewritten within the idle time (a URL seen once is
 * not worth its memory), up to {@link #maxPageBytes}; the cache is bounded in bytes (input plus output). A page that
 * differed on three replays in a row (a timestamp, a token per response) is not recorded again until its key has been
 * idle, so it costs the rewrite only.
 */
final class RewriteMemo {
    private static final Logger LOG = System.getLogger(RewriteMemo.class.getName());
    /** Replays in a row that found the page changed, after which a key is no longer recorded. */
    static final int MAX_MISMATCHES = 3;
    /** How long an unused page stays kept, and how long a key is remembered as seen or as changing. */
    private static final Duration IDLE = Duration.ofMinutes(10);
    /** Marks a page whose rewrite asked for the visitor's consent: its recordings are under {@link ConsentKey}. */
    private static final Object BY_CONSENT = new Object();
    private static final int FIRST_BUFFER = 16 * 1024;

    private final EmbedRewriter rewriter;
    private final @Nullable PinnablePreviews previews;
    private final int maxPageBytes;
    /** {@link PageKey} to a {@link Recording} or {@link #BY_CONSENT}; {@link ConsentKey} to a {@link Recording}. */
    private final Cache<Object, Object> pages;
    private final Cache<PageKey, Heat> seen;
    private final LongAdder replays = new LongAdder();
    private final LongAdder changed = new LongAdder();
    private final LongAdder recorded = new LongAdder();
    private final AtomicBoolean divergenceLogged = new AtomicBoolean();

    /**
     * @param previews the rewriter's preview source, or {@code null} when it has none
     * @param bytes the bound of the kept pages, input plus output
     */
    RewriteMemo(EmbedRewriter rewriter, @Nullable PinnablePreviews previews, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive, got " + bytes);
        }
        this.rewriter = Objects.requireNonNull(rewriter, "rewriter");
        this.previews = previews;
        // a page and its output take at most a quarter of the cache, and at most 1 MB each
        this.maxPageBytes = (int) Math.min(1 << 20, bytes / 8);
        this.pages = Caffeine.newBuilder()
                .maximumWeight(bytes)
                .weigher((Object key, Object value) -> value instanceof Recording r ? r.weight() : 64)
                .expireAfterAccess(IDLE)
                .build();
        this.seen = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(IDLE).build();
    }

    /** Opens a session for one page: a replay of a kept rewrite, a rewrite that is recorded, or a plain rewrite. */
    RewriteSession open(OutputStream sink, PageContext context) {
        Objects.requireNonNull(sink, "sink");
        if (context.cspNonce() != null || context.listener() != EmbedListener.NONE) {
            return rewriter.open(sink, context);
        }
        PageKey key = new PageKey(context.path(), context.siteHost(), context.transportCharset(), context.language(),
                context.firstIndex());
        Heat heat = seen.get(key, k -> new Heat());
        boolean record = heat.seen() && heat.mismatches.get() < MAX_MISMATCHES;
        Recording kept = find(key, context);
        if (kept != null && (previews == null || previews.stillAnswers(kept.calls))) {
            replays.increment();
            return new Session(sink, context, key, heat, kept);
        }
        return record ? new Session(sink, context, key, heat, null) : rewriter.open(sink, context);
    }

    private @Nullable Recording find(PageKey key, PageContext context) {
        Object top = pages.getIfPresent(key);
        if (top instanceof Recording r) {
            return r;
        }
        if (top == BY_CONSENT) {
            // the rewrite of this page asks for it at its first embed anyway
            Set<String> consent = Set.copyOf(context.consentedProviders());
            return pages.getIfPresent(new ConsentKey(key, consent)) instanceof Recording r ? r : null;
        }
        return null;
    }

    private void keep(PageKey key, Recording recording) {
        recorded.increment();
        Set<String> consent = recording.consent;
        if (consent == null) {
            pages.put(key, recording);
        } else {
            pages.put(new ConsentKey(key, consent), recording);
            pages.put(key, BY_CONSENT);
        }
    }

    /** Drops a kept page that keeps changing: replaying it would only cost a comparison each time. */
    private void forget(PageKey key, Recording recording) {
        Set<String> consent = recording.consent;
        if (consent == null) {
            pages.asMap().remove(key, recording);
        } else {
            pages.asMap().remove(new ConsentKey(key, consent), recording);
        }
    }

    /** For the logs and tests: replays started, replays whose page had changed, pages recorded, pages kept. */
    String describe() {
        return "replays=" + replays.sum() + ", changed=" + changed.sum() + ", recorded=" + recorded.sum()
                + ", kept=" + pages.estimatedSize();
    }

    long replays() {
        return replays.sum();
    }

    long changed() {
        return changed.sum();
    }

    long recorded() {
        return recorded.sum();
    }

    /** What a page's output depends on, besides its bytes, the consent and the previews. */
    record PageKey(String path, @Nullable String siteHost, @Nullable Charset charset, @Nullable String language,
            int firstIndex) {}

    record ConsentKey(PageKey page, Set<String> consent) {}

    /** Whether a key was rewritten before, and how many replays in a row found its page changed. */
    static final class Heat {
        private volatile boolean seenBefore;
        final AtomicInteger mismatches = new AtomicInteger();

        /**
         * True from the second request of the key on. Written once, so that the requests of a busy page do not all
         * write one shared field.
         */
        boolean seen() {
            if (seenBefore) {
                return true;
            }
            seenBefore = true;
            return false;
        }

        /** A replay of the whole page: the run of changes ends. */
        void replayed() {
            if (mismatches.get() != 0) {
                mismatches.set(0);
            }
        }
    }

    /**
     * A kept rewrite: its input, its output, and after each write of the input how far each had got (and how many
     * embeds were found by then). Immutable once kept.
     */
    static final class Recording {
        final byte[] input;
        final byte[] output;
        final int[] inputEnds;
        final int[] outputEnds;
        final int[] embedsAt;
        final int embedsFound;
        /** The visitor's consent the rewrite asked for, or {@code null} when it never asked. */
        final @Nullable Set<String> consent;
        final List<PinnablePreviews.Call> calls;

        Recording(byte[] input, byte[] output, int[] inputEnds, int[] outputEnds, int[] embedsAt, int embedsFound,
                @Nullable Set<String> consent, List<PinnablePreviews.Call> calls) {
            this.input = input;
            this.output = output;
            this.inputEnds = inputEnds;
            this.outputEnds = outputEnds;
            this.embedsAt = embedsAt;
            this.embedsFound = embedsFound;
            this.consent = consent;
            this.calls = calls;
        }

        int weight() {
            long w = (long) input.length + output.length + 12L * inputEnds.length + 256L * calls.size() + 256;
            return (int) Math.min(Integer.MAX_VALUE, w);
        }
    }

    /** The checkpoints of a recording: input and output lengths, embeds found, after each write. */
    private static final class Checkpoints {
        int[] in = new int[16];
        int[] out = new int[16];
        int[] embeds = new int[16];
        int size;

        void add(int input, int output, int found) {
            if (size > 0 && in[size - 1] == input) {
                size--; // a flush or an empty write: the later figures of the same input length win
            }
            if (size == in.length) {
                in = Arrays.copyOf(in, size * 2);
                out = Arrays.copyOf(out, size * 2);
                embeds = Arrays.copyOf(embeds, size * 2);
            }
            in[size] = input;
            out[size] = output;
            embeds[size] = found;
            size++;
        }
    }

    /**
     * One page: a replay of {@code kept} while the input matches it; else a recorded rewrite, or, after the replay
     * found the page changed, a rewrite that is recorded unless the page keeps changing. Single-threaded, as every rewrite session.
     */
    private final class Session extends RewriteSession {
        private final OutputStream sink;
        private final PageContext context;
        private final PageKey key;
        private final Heat heat;
        private @Nullable Recording kept;
        /** Input bytes matched against {@link #kept}, and output bytes written from it. */
        private int matched;
        private int emitted;
        private int checkpoint;
        /** The rewrite, once there is one. */
        private @Nullable RewriteSession real;
        private PinnablePreviews.@Nullable Scope scope;
        /** While recording: what the rewrite read and wrote. */
        private @Nullable ByteArrayOutputStream input;
        private @Nullable ByteArrayOutputStream output;
        private @Nullable Checkpoints checkpoints;
        private @Nullable ConsentProbe probe;
        private boolean closed;

        /** @param kept the rewrite to replay, or {@code null} to rewrite and record */
        Session(OutputStream sink, PageContext context, PageKey key, Heat heat, @Nullable Recording kept) {
            this.sink = sink;
            this.context = context;
            this.key = key;
            this.heat = heat;
            this.kept = kept;
            if (kept == null) {
                start(true, null, sink);
            }
            // a replay records nothing; whether its page is recorded again is decided if it differs
        }

        /** Opens the rewrite; {@code pinned} are the preview answers of a replay's part already sent. */
        private void start(boolean record, @Nullable List<PinnablePreviews.Call> pinned, OutputStream out) {
            OutputStream target = out;
            PageContext rewriting = context;
            if (record) {
                input = new ByteArrayOutputStream(FIRST_BUFFER);
                output = new ByteArrayOutputStream(FIRST_BUFFER);
                checkpoints = new Checkpoints();
                ByteArrayOutputStream tee = output;
                OutputStream next = out;
                target = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (input != null) {
                            tee.write(b, off, len);
                        }
                        next.write(b, off, len);
                    }

                    @Override
                    public void flush() throws IOException {
                        next.flush();
                    }
                };
                ConsentProbe p = new ConsentProbe(context.consentedProviders());
                probe = p;
                rewriting = new PageContext(context.transportCharset(), context.language(),
                        PageContext.lazyConsent(p::ask), context.path(), context.listener(), context.cspNonce(),
                        context.siteHost(), context.firstIndex());
            }
            if (previews != null && (record || pinned != null)) {
                scope = new PinnablePreviews.Scope(record, pinned);
            }
            real = rewriter.open(target, rewriting);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("the rewrite session is closed");
            }
            Recording k = kept;
            if (real == null && k != null) {
                if (matched + len <= k.input.length
                        && Arrays.equals(b, off, off + len, k.input, matched, matched + len)) {
                    matched += len;
                    replayUpTo(k, matched);
                    return;
                }
                differs(k);
            }
            feed(b, off, len);
        }

        /** Writes the kept output as far as the kept rewrite had written it after reading {@code upTo} bytes. */
        private void replayUpTo(Recording k, int upTo) throws IOException {
            int c = checkpoint;
            int[] ends = k.inputEnds;
            while (c < ends.length && ends[c] <= upTo) {
                c++;
            }
            checkpoint = c;
            int until = c == 0 ? 0 : k.outputEnds[c - 1];
            if (until > emitted) {
                sink.write(k.output, emitted, until - emitted);
                emitted = until;
            }
        }

        /** The input left the kept page: a rewrite takes over from the start, and what was sent is not sent again. */
        private void differs(Recording k) throws IOException {
            kept = null;
            changed.increment();
            boolean record = heat.mismatches.incrementAndGet() < MAX_MISMATCHES;
            if (!record) {
                forget(key, k);
            }
            start(record, k.calls, new SentAlready(sink, k.output, emitted));
            if (matched > 0) {
                feed(k.input, 0, matched);
            }
        }

        private void feed(byte[] b, int off, int len) throws IOException {
            RewriteSession r = Objects.requireNonNull(real);
            PinnablePreviews.Scope s = scope;
            PinnablePreviews.Scope previous = s == null ? null : s.enter();
            try {
                r.write(b, off, len);
            } finally {
                if (s != null) {
                    PinnablePreviews.Scope.restore(previous);
                }
            }
            ByteArrayOutputStream in = input;
            if (in != null) {
                if (in.size() + len > maxPageBytes) {
                    abandon();
                } else {
                    in.write(b, off, len);
                    Objects.requireNonNull(checkpoints).add(in.size(), Objects.requireNonNull(output).size(),
                            r.embedsFound());
                }
            }
        }

        /** Too large to keep: stops recording and lets its buffers go. */
        private void abandon() {
            input = null;
            output = null;
            checkpoints = null;
        }

        @Override
        public void flush() throws IOException {
            RewriteSession r = real;
            if (r != null) {
                r.flush();
            } else {
                sink.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            Recording k = kept;
            if (real == null && k != null) {
                if (matched == k.input.length) {
                    if (k.output.length > emitted) {
                        sink.write(k.output, emitted, k.output.length - emitted);
                        emitted = k.output.length;
                    }
                    sink.flush();
                    closed = true;
                    heat.replayed();
                    return;
                }
                differs(k); // the page ended early
            }
            RewriteSession r = Objects.requireNonNull(real);
            PinnablePreviews.Scope s = scope;
            PinnablePreviews.Scope previous = s == null ? null : s.enter();
            try {
                r.close();
            } finally {
                if (s != null) {
                    PinnablePreviews.Scope.restore(previous);
                }
            }
            closed = true;
            ByteArrayOutputStream in = input;
            if (in != null) {
                Checkpoints c = Objects.requireNonNull(checkpoints);
                ByteArrayOutputStream out = Objects.requireNonNull(output);
                ConsentProbe p = Objects.requireNonNull(probe);
                keep(key, new Recording(in.toByteArray(), out.toByteArray(), Arrays.copyOf(c.in, c.size),
                        Arrays.copyOf(c.out, c.size), Arrays.copyOf(c.embeds, c.size), r.embedsFound(),
                        p.asked(), s == null ? List.of() : s.recorded()));
                abandon();
            }
        }

        @Override
        public int embedsFound() {
            Recording k = kept;
            if (real == null && k != null) {
                if (closed) {
                    return k.embedsFound;
                }
                // the count at the next checkpoint: never fewer than the rewrite would have found by now
                int c = checkpoint;
                return c < k.embedsAt.length ? k.embedsAt[c] : k.embedsFound;
            }
            RewriteSession r = real;
            return r == null ? 0 : r.embedsFound();
        }
    }

    /** The visitor's consent as the rewrite sees it: written down when the rewrite asks for it. */
    private static final class ConsentProbe {
        private final Set<String> consent;
        private volatile @Nullable Set<String> asked;

        ConsentProbe(Set<String> consent) {
            this.consent = consent;
        }

        Set<String> ask() {
            Set<String> value = Set.copyOf(consent);
            asked = value;
            return value;
        }

        @Nullable Set<String> asked() {
            return asked;
        }
    }

    /**
     * The sink of a rewrite that took over from a replay: the first {@code sent} bytes of its output went out
     * already, from the kept output, so they are checked and dropped.
     */
    private final class SentAlready extends OutputStream {
        private final OutputStream sink;
        private final byte[] keptOutput;
        private final int sent;
        private int seen;

        SentAlready(OutputStream sink, byte[] keptOutput, int sent) {
            this.sink = sink;
            this.keptOutput = keptOutput;
            this.sent = sent;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int skip = Math.min(len, sent - seen);
            if (skip > 0) {
                if (!Arrays.equals(b, off, off + skip, keptOutput, seen, seen + skip)
                        && divergenceLogged.compareAndSet(false, true)) {
                    // cannot happen while the rewrite is a function of its input and context; said once if it does
                    LOG.log(Level.ERROR, "embed-consent rewrite-cache: a rewrite taking over from a replay wrote "
                            + "other bytes than were replayed; please report this with the page. Set "
                            + "rewrite-cache=off to avoid it.");
                }
                seen += skip;
                off += skip;
                len -= skip;
            }
            if (len > 0) {
                sink.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            sink.flush();
        }
    }
}
