package dev.embedconsent.servlet;

import dev.embedconsent.placeholder.Preview;
import dev.embedconsent.placeholder.PreviewSource;
import dev.embedconsent.provider.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The preview proxy as the filter's rewriter asks it, with what {@link RewriteMemo} needs: while a {@link Scope} is
 * current on the rewriting thread, every answer is written down in it, and answers pinned in it are given again
 * instead of asking the proxy. A rewritten page depends on the previews' answers (a still that failed shows none; a
 * title that arrived is the still's text), so a replayed page is only valid while the proxy still answers alike, and a
 * page that is rewritten again from its start must get the same answers for the part already sent.
 */
final class PinnablePreviews implements PreviewSource {
    private static final ThreadLocal<@Nullable Scope> SCOPE = new ThreadLocal<>();

    private final PreviewSource delegate;

    PinnablePreviews(PreviewSource delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public @Nullable Preview preview(Provider provider, String embedUrl) {
        Scope scope = SCOPE.get();
        return scope == null ? delegate.preview(provider, embedUrl) : scope.answer(provider, embedUrl, delegate);
    }

    /** True when the proxy answers every call of {@code calls} as it answered it then (and so starts its fetches). */
    boolean stillAnswers(List<Call> calls) {
        boolean same = true;
        for (Call call : calls) {
            // every call is made, as a rewrite of the page would make it, even after the first difference
            same &= Objects.equals(delegate.preview(call.provider(), call.embedUrl()), call.answer());
        }
        return same;
    }

    /** One question the rewriter asked and its answer. */
    record Call(Provider provider, String embedUrl, @Nullable Preview answer) {}

    /** What one rewrite session asked, and the answers it must get again; used on the rewriting thread only. */
    static final class Scope {
        private final @Nullable List<Call> recorded;
        private @Nullable List<Call> pinned;
        private int next;

        /** @param record whether to write the calls down; @param pinned answers to give again, in their order */
        Scope(boolean record, @Nullable List<Call> pinned) {
            this.recorded = record ? new ArrayList<>() : null;
            this.pinned = pinned;
        }

        @Nullable Preview answer(Provider provider, String embedUrl, PreviewSource live) {
            List<Call> p = pinned;
            Call call;
            if (p != null && next < p.size() && p.get(next).provider().id().equals(provider.id())
                    && p.get(next).embedUrl().equals(embedUrl)) {
                call = p.get(next++);
            } else {
                // past the pinned part (or the page took another turn): the live answers from here on
                pinned = null;
                call = new Call(provider, embedUrl, live.preview(provider, embedUrl));
            }
            if (recorded != null) {
                recorded.add(call);
            }
            return call.answer();
        }

        List<Call> recorded() {
            return recorded == null ? List.of() : List.copyOf(recorded);
        }

        /** Makes this scope current on this thread; returns what was current, for {@link #restore}. */
        @Nullable Scope enter() {
            Scope previous = SCOPE.get();
            SCOPE.set(this);
            return previous;
        }

        static void restore(@Nullable Scope previous) {
            if (previous == null) {
                SCOPE.remove();
            } else {
                SCOPE.set(previous);
            }
        }
    }
}
