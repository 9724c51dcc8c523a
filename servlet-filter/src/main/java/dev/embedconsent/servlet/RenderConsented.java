package dev.embedconsent.servlet;

import java.util.Locale;
import java.util.Objects;

/**
 * Who renders the embeds a visitor allowed (option {@code render-consented}):
 * <pre>{@code
 * EmbedConsentFilter.builder().renderConsented(RenderConsented.CLIENT)   // or option("render-consented", "client")
 * }</pre>
 */
public enum RenderConsented {
    /**
     * The server (the default): a consented embed is left as it is in the page, so the page differs by visitor and
     * carries {@code Vary: Cookie} and {@code Cache-Control: private} whenever it holds an embed.
     */
    SERVER,
    /**
     * The activation script: every embed becomes a placeholder for every visitor, so the page is the same for all
     * and a shared cache may keep it (no {@code Vary: Cookie}, no {@code private}, no consent look-up). The script
     * activates what the visitor allowed as the page loads; without JavaScript, a decision posted from a placeholder
     * returns to the page with {@code ec-render} in its query, which the server renders for that visitor alone
     * ({@code Cache-Control: private, no-store}).
     */
    CLIENT;

    /** {@code server} or {@code client}, in any case. */
    public static RenderConsented parse(String text) {
        Objects.requireNonNull(text, "render-consented");
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "server" -> SERVER;
            case "client" -> CLIENT;
            default -> throw new IllegalArgumentException("render-consented '" + text
                    + "' must be server (consented embeds rendered per visitor) or client (the same page for every "
                    + "visitor, consented embeds activated by the script)");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
