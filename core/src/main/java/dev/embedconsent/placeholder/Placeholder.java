package dev.embedconsent.placeholder;

/**
 * Rendered placeholder markup split around the original embed: the rewriter writes {@code before}, then the original
 * bytes unchanged (they end up inside a {@code <template>}), then {@code after}.
 */
public record Placeholder(String before, String after) {}
