@NullMarked
package dev.embedconsent.cli;

import org.jspecify.annotations.NullMarked;
