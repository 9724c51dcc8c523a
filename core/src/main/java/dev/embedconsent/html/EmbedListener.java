package dev.embedconsent.html;

/** Told about every embed the rewriter finds, in document order. */
@FunctionalInterface
public interface EmbedListener {
    EmbedListener NONE = embed -> {};

    void onEmbed(FoundEmbed embed);
}
