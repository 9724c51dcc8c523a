package dev.embedconsent.html;

import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.internal.HtmlTokenizer;
import dev.embedconsent.internal.TokenHandler;
import dev.embedconsent.placeholder.PlaceholderMarkup;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites one document (or the content of one {@code <noscript>}) in an ASCII-compatible encoding, bytes in and
 * bytes out. It wires the parts together and owns the order of events: the {@link HtmlTokenizer} reports tags, the
 * {@link TreeBuilderSimulator} answers with feedback that {@link #apply} hands back to the tokenizer, the
 * {@link EmbedMatcher} decides which start tags are embeds to neutralize, the {@link HeldEmbed} keeps one from its
 * start tag to its end, and every other byte leaves the {@link ByteWindow} unchanged, as early as it is safe.
 *
 * <p>Only two things are buffered: a start tag in progress (up to {@code maxTagBytes}) and a matched embed (up to
 * {@code maxCandidateBytes}). Everything else is written in slices as large as the caller's chunks.
 *
 * <p>A {@code <noscript>} is RAWTEXT for the document (scripting is on), but its content is what a browser without
 * JavaScript parses as markup, so it goes through a second instance in scripting-off mode, which neutralizes embeds
 * there too. Where that content leaves such a browser inside a tag, comment or text element at the {@code </noscript>}
 * that ends it for us ({@code <noscript><a title="</noscript>...}), the second instance closes it there, so both
 * read what follows alike (for browsers with JavaScript, the closer is more noscript text).
 */
final class ByteRewriter implements TokenHandler {
    private final Page page;
    private final ElementNames names;
    private final HtmlTokenizer tokenizer;
    private final ByteWindow window = new ByteWindow();
    private final CurrentTag tag;
    private final LineCounter lines;
    private final TreeBuilderSimulator tree;
    private final EmbedMatcher matcher;
    private final HeldEmbed held;
    /** Where bytes outside embeds go: the noscript fragment while one is open, else the page. */
    private final ByteWindow.Sink output = this::pass;
    /** The content of a noscript, read as browsers without scripting do. */
    private final boolean noscriptContent;

    /** Absolute position of the end of the input so far. */
    private long position;
    /** Everything before this absolute position has been written (or handed to the noscript fragment). */
    private long emitted;
    /** The current tag outgrew the tag cap and is no longer buffered. */
    private boolean tagReleased;
    private @Nullable ByteRewriter noscript;

    ByteRewriter(Page page, boolean noscriptContent, boolean inHead, long lineBase) {
        this.page = page;
        this.noscriptContent = noscriptContent;
        this.names = page.rewriter.names();
        this.tokenizer = new HtmlTokenizer(names, this);
        this.tag = new CurrentTag(tokenizer, window, new TagAttributes(page.sourceCharset));
        this.lines = new LineCounter(window, page.context.listener() != EmbedListener.NONE, lineBase);
        this.tree = new TreeBuilderSimulator(names, tag, noscriptContent, inHead);
        this.matcher = new EmbedMatcher(page, names, tag, lines);
        this.held = new HeldEmbed(page, window, names, tree);
        tokenizer.setTagCap(page.rewriter.maxTagBytes());
        tokenizer.trackText(inHead && !noscriptContent);
    }

    /** Takes the next bytes of the document. */
    void write(byte[] b, int off, int len) throws IOException {
        window.chunk(b, off, position);
        int end = off + len;
        try {
            int i = off;
            do {
                i = tokenizer.feed(b, i, end, position + (i - off));
                long at = position + (i - off);
                if (tokenizer.tagCapReached()) {
                    tagCap(at);
                } else if (held.active() && at >= held.start() + page.rewriter.maxCandidateBytes()) {
                    cut(at);
                }
            } while (i < end || tokenizer.tagCapReached());
            position += len;
            // writes to the sink too: a client gone away is an IOException here, as everywhere
            endOfChunk();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Ends the page: unfinished embeds are neutralized, everything else is written. */
    void finish() throws IOException {
        finish(true);
    }

    /**
     * Ends the input. Unfinished embeds are neutralized, everything else is written. Where the content of a noscript
     * ends at its {@code </noscript>} ({@code pageEnds} false) and leaves a browser without scripting inside a token
     * or text element, it is closed there, so the page goes on after the noscript as it does with scripting. At the
     * end of the page nothing follows, and what the page ends in stays as it is.
     */
    private void finish(boolean pageEnds) throws IOException {
        window.endOfInput(position);
        try {
            if (held.active()) {
                cut(position);
            } else if (tokenizer.pendingStartTag() >= 0 && !tagReleased) {
                unfinishedStartTag(position);
            }
            emitTo(position);
            if (noscriptContent && !pageEnds) {
                String closer = closerInProgress(true);
                if (!closer.isEmpty()) {
                    page.insert(closer);
                }
            }
            endNoscript(pageEnds);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    // TokenHandler

    @Override
    public void startTag(HtmlTokenizer t, long start, long end) {
        boolean bytesAvailable = !tagReleased;
        tagReleased = false;
        int id = t.tagNameId();
        int flags = names.flags(id);
        if (!held.active() && tree.ignoresOrdinaryStartTags() && ((flags & ElementNames.NOTEWORTHY) == 0
                || ((flags & ElementNames.MATCHED_ONLY) != 0 && bytesAvailable && matcher.rulesOut(id, start, end)))) {
            // Most tags on a page (a, li, td, and p, div, img that cannot match): nothing the rewriter does depends on
            // them. Kept small so that the JIT inlines it into the tokenizer.
            return;
        }
        noteworthyStartTag(id, flags, start, end, bytesAvailable);
    }

    private void noteworthyStartTag(int id, int flags, long start, long end, boolean bytesAvailable) {
        if (id == names.template && held.active() && !held.keepTemplateStart(start, end)
                && !tree.followsForeignTemplateStart()) {
            // Written as text: nothing changes for the tree builder or the tokenizer. (A foreign template, written as
            // text too, is still followed: its end tag must not close a kept HTML template.)
            return;
        }
        if (!tree.certain() && bytesAvailable && !held.active() && tree.needsCommonGround(id, flags)) {
            commonGround(start);
        }
        boolean selfClosing = tokenizer.selfClosing();
        int feedback = tree.startTag(id, flags, selfClosing, start, end, bytesAvailable, tokenizer.sawText());
        boolean html = (feedback & TreeBuilderSimulator.HTML_RULES) != 0;
        if (html && bytesAvailable) {
            documentFacts(id, start, end);
        }
        if (held.active()) {
            held.startTag(id, flags, feedback, start, end);
        } else if (bytesAvailable && (flags & ElementNames.CANDIDATE) != 0) {
            feedback = html ? htmlCandidate(id, flags, start, end, selfClosing, feedback)
                    : foreignCandidate(id, flags, start, end, selfClosing, feedback);
        }
        if ((feedback & TreeBuilderSimulator.NOSCRIPT_OPENED) != 0 && !held.active()) {
            emitTo(end);
            noscript = new ByteRewriter(page, true, tree.inHead(), lines.lineBreaksBefore(end));
        }
        apply(feedback, id);
    }

    @Override
    public boolean readsEndTags() {
        return noscript != null || held.active() || !tree.ignoresEndTags();
    }

    @Override
    public void endTag(HtmlTokenizer t, long start, long end) {
        tagReleased = false;
        if (noscript == null && !held.active() && tree.ignoresEndTags()) {
            // Outside foreign content, a noscript and a held embed, no end tag changes what follows.
            return;
        }
        int id = t.tagNameId();
        if (id == names.template && held.active() && !held.keepTemplateEnd(start, end)
                && !tree.followsForeignTemplateEnd()) {
            // Written as text: nothing changes for the tree builder or the tokenizer.
            return;
        }
        int feedback = tree.endTag(id);
        if (noscript != null && (feedback & TreeBuilderSimulator.NOSCRIPT_CLOSED) != 0) {
            emitTo(start);
            endNoscript(false);
        }
        if (held.active() && held.endTag(id, start, end)) {
            held.finish(end);
            feedback = released(end, feedback);
        }
        apply(feedback, id);
    }

    /** Hands the tree builder's feedback to the tokenizer: the one place that sets how it reads on. */
    private void apply(int feedback, int id) {
        if ((feedback & TreeBuilderSimulator.RESET) != 0) {
            tokenizer.resetToData();
        }
        int textState = feedback & TreeBuilderSimulator.TEXT_STATE;
        if (textState != 0) {
            tokenizer.switchTo(textState, id);
        }
        if ((feedback & TreeBuilderSimulator.LEFT_HEAD) != 0) {
            tokenizer.trackText(false);
        }
        tokenizer.setForeignContent((feedback & TreeBuilderSimulator.FOREIGN) != 0);
        tokenizer.setCdataAmbiguous((feedback & TreeBuilderSimulator.CDATA_AMBIGUOUS) != 0);
    }

    /**
     * The possible readings disagree on the start tag at {@code start}: {@link TreeBuilderSimulator#COMMON_GROUND}
     * goes before it, so that all of them read it through the HTML rules.
     */
    private void commonGround(long start) {
        emitTo(start);
        try {
            page.insert(TreeBuilderSimulator.COMMON_GROUND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tree.commonGround();
    }

    /**
     * A {@code <![CDATA[} where the possible readings disagree on whether it opens a section (it is a bogus comment
     * for the others): {@code ]]>} after it ends both, and everything after is markup for all of them.
     */
    @Override
    public void ambiguousCdata(HtmlTokenizer t, long end) {
        emitTo(end);
        try {
            page.insert("]]>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code <html lang>} and {@code <base href>}. */
    private void documentFacts(int id, long start, long end) {
        if (id == names.html && !page.documentLanguageSeen()) {
            page.documentLanguage(tag.attributes(start, end).get("lang"));
        }
        if (id == names.base && !page.baseSeen()) {
            page.base(tag.attributes(start, end).get("href"));
        }
    }

    // Embeds

    /** A candidate in HTML content: a matched embed is held until its end tag (a void one ends at once). */
    private int htmlCandidate(int id, int flags, long start, long end, boolean selfClosing, int feedback) {
        PlaceholderMarkup markup = matcher.match(id, true, tree.inHead(), start, end);
        if (markup == null) {
            return feedback;
        }
        hold(start, id, flags, markup);
        tree.beginInertContent(id, selfClosing);
        tokenizer.stopAt(start + page.rewriter.maxCandidateBytes());
        if ((flags & ElementNames.VOID) == 0) {
            return feedback & ~TreeBuilderSimulator.CDATA_AMBIGUOUS;
        }
        held.finish(end);
        return released(end, feedback);
    }

    /**
     * An SVG {@code <image href>} or {@code <script href>}, which load in foreign content too. It is neutralized with a
     * visible placeholder: an inert {@code <template>} only exists in HTML, and the placeholder's leading block
     * element takes the browser out of foreign content, so the element ends there and is held as a void one.
     */
    private int foreignCandidate(int id, int flags, long start, long end, boolean selfClosing, int feedback) {
        if (id != names.image && id != names.script) {
            return feedback;
        }
        PlaceholderMarkup markup = matcher.match(id, false, tree.inHead(), start, end);
        if (markup == null) {
            return feedback;
        }
        hold(start, id, flags, markup);
        held.write(end, selfClosing ? "" : "</" + names.name(id) + ">");
        return tree.breakOut(released(end, feedback));
    }

    /** The one way an embed starts being held: what comes before it is written first. */
    private void hold(long start, int id, int flags, PlaceholderMarkup markup) {
        emitTo(start);
        held.begin(start, id, flags, markup);
    }

    /** After the held embed was written up to {@code end}: what follows is read as it would be after the embed. */
    private int released(long end, int feedback) {
        emitted = end;
        tokenizer.stopAt(Long.MAX_VALUE);
        return tree.endInertContent(feedback);
    }

    /**
     * Ends the held embed at {@code at} before its end: a limit was reached or the input ended. Whatever token was in
     * progress is closed in the placeholder's template, so the rest of the page is read as it would have been after
     * the embed, and nothing of the embed stays live.
     */
    private void cut(long at) {
        held.cut(at, closerInProgress(true));
        apply(released(at, TreeBuilderSimulator.RESET), ElementNames.OTHER);
    }

    /**
     * What ends the token in progress, and with {@code element}, for a start tag in progress that will put the
     * tokenizer in a text state, the end tag that leaves it.
     */
    private String closerInProgress(boolean element) {
        String token = tokenizer.closer();
        if (!element || tokenizer.pendingStartTag() < 0) {
            return token;
        }
        int id = tokenizer.tagNameId();
        int textState = tree.textStateAfter(id);
        if (textState == HtmlTokenizer.SCRIPT_DATA) {
            return token + " </script></script>";
        }
        if (textState == HtmlTokenizer.RCDATA || textState == HtmlTokenizer.RAWTEXT) {
            return token + " </" + names.name(id) + ">";
        }
        return token;
    }

    /** A start tag outgrew the tag cap (or the input ended inside one). */
    private void tagCap(long at) {
        // Part of a held embed, the tag is under the embed's own limit; else it is released unless it is claimed.
        if (!held.active()) {
            if (!tokenizer.isEndTag()) {
                int id = tokenizer.tagNameId();
                if (tree.needsCommonGround(id, names.flags(id))) {
                    commonGround(tokenizer.pendingStartTag());
                }
            }
            if (tokenizer.isEndTag()) {
                // Only an appropriate end tag of a text element gets here while bytes are kept: </noscript ...
                if (noscript != null) {
                    emitTo(tokenizer.pendingEndTag());
                    endNoscript(false);
                }
            } else if (unfinishedStartTag(at)) {
                return;
            } else {
                emitTo(at);
            }
            tagReleased = true;
        }
        tokenizer.liftTagCap();
    }

    /**
     * Matches a start tag that cannot be read to its end on the attributes seen so far. A claimed embed is
     * neutralized: the part read goes into the placeholder, closed, and the tokenizer reads on in the data state.
     */
    private boolean unfinishedStartTag(long at) {
        long start = tokenizer.pendingStartTag();
        int id = tokenizer.tagNameId();
        int flags = names.flags(id);
        boolean html = tree.htmlRulesFor(id) || (flags & ElementNames.BREAKOUT) != 0;
        if ((flags & ElementNames.CANDIDATE) == 0 || (!html && id != names.image && id != names.script)) {
            return false;
        }
        tokenizer.closeOpenAttribute(at);
        PlaceholderMarkup markup = matcher.match(id, html, tree.inHead(), start, at);
        if (markup == null) {
            return false;
        }
        String closer = closerInProgress(html);
        hold(start, id, flags, markup);
        held.write(at, closer);
        int feedback = released(at, TreeBuilderSimulator.RESET);
        apply(html ? feedback : tree.breakOut(feedback), id);
        return true;
    }

    // Noscript fragments

    /** Ends the noscript fragment in progress, at its {@code </noscript>} or, with {@code pageEnds}, at the end. */
    private void endNoscript(boolean pageEnds) {
        ByteRewriter fragment = noscript;
        if (fragment != null) {
            noscript = null;
            try {
                fragment.finish(pageEnds);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // Bytes

    /** Writes (or hands to the noscript fragment) the input up to {@code to}. */
    private void emitTo(long to) {
        if (to <= emitted) {
            return;
        }
        long from = emitted;
        emitted = to;
        try {
            window.copy(from, to, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pass(byte[] b, int off, int len) throws IOException {
        ByteRewriter fragment = noscript;
        if (fragment != null) {
            fragment.write(b, off, len);
        } else {
            page.copy(b, off, len);
        }
    }

    /** After a chunk: writes what is safe and keeps only what a pending tag or a held embed needs. */
    private void endOfChunk() {
        long keep = position;
        if (held.active()) {
            keep = held.start();
        } else if (!tagReleased) {
            long startTag = tokenizer.pendingStartTag();
            if (startTag >= 0) {
                keep = Math.min(keep, startTag);
            }
            long endTag = noscript != null ? tokenizer.pendingEndTag() : -1;
            if (endTag >= 0) {
                keep = Math.min(keep, endTag);
            }
        }
        emitTo(keep);
        lines.countTo(keep);
        window.keep(keep, position);
    }
}
