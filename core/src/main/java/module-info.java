/**
 * Embed Consent core: the streaming embed rewriter, the provider catalogue, placeholders, the consent model and its
 * stores, and the command-line tool. {@code dev.embedconsent.internal} is not exported: its public classes serve
 * the other packages of this library only, and the servlet filter reads it through a qualified export.
 */
@SuppressWarnings("module") // the qualified export names dev.embedconsent.servlet, which is built after this module
module dev.embedconsent.core {
    requires transitive java.sql;
    requires transitive tools.jackson.databind;
    requires com.github.benmanes.caffeine;
    requires static transitive org.jspecify;

    exports dev.embedconsent.consent;
    exports dev.embedconsent.html;
    exports dev.embedconsent.placeholder;
    exports dev.embedconsent.preview;
    exports dev.embedconsent.provider;
    exports dev.embedconsent.record;
    exports dev.embedconsent.store;
    exports dev.embedconsent.internal to dev.embedconsent.servlet;
}
