/**
 * Registering {@link dev.embedconsent.servlet.EmbedConsentFilter} in a Spring Boot 4 application through a
 * {@code FilterRegistrationBean}; see {@link dev.embedconsent.examples.springboot.SpringBootExample}.
 */
@NullMarked
package dev.embedconsent.examples.springboot;

import org.jspecify.annotations.NullMarked;
