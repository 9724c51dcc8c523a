@NullMarked
package dev.embedconsent.provider;

import org.jspecify.annotations.NullMarked;
