@NullMarked
package dev.embedconsent.consent;

import org.jspecify.annotations.NullMarked;
