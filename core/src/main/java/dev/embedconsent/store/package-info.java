@NullMarked
package dev.embedconsent.store;

import org.jspecify.annotations.NullMarked;
