/** Not public API: may change in any release. Do not depend on it. */
@NullMarked
package dev.embedconsent.internal;

import org.jspecify.annotations.NullMarked;
