package dev.embedconsent.html;

/**
 * One embed found in a page.
 *
 * @param provider provider id
 * @param element lowercase element name
 * @param url the URL it would load (or the widget marker)
 * @param line 1-based line of its start tag
 * @param neutralized false when it was left alone because the visitor had consented
 */
public record FoundEmbed(String provider, String element, String url, long line, boolean neutralized) {}
