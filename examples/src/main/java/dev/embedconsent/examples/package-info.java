/** The runnable demo site. */
package dev.embedconsent.examples;
