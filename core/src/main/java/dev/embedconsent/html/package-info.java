@NullMarked
package dev.embedconsent.html;

import org.jspecify.annotations.NullMarked;
