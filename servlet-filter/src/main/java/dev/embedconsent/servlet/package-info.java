/** The Jakarta Servlet filter that rewrites HTML responses and serves the consent endpoints. */
@NullMarked
package dev.embedconsent.servlet;

import org.jspecify.annotations.NullMarked;
