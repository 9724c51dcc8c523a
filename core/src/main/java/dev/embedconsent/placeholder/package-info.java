@NullMarked
package dev.embedconsent.placeholder;

import org.jspecify.annotations.NullMarked;
