/**
 * The Embed Consent demo site: a small NGO site (modelled on the European Centre for Minority Issues) on embedded
 * Jetty 12 with {@link dev.embedconsent.servlet.EmbedConsentFilter} in front of it. Start it with
 * {@code bin/embed-consent demo} or {@link dev.embedconsent.examples.DemoServer#main(String[])}.
 */
@NullMarked
package dev.embedconsent.examples;

import org.jspecify.annotations.NullMarked;
