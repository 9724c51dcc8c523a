/** JMH benchmarks. */
package dev.embedconsent.benchmarks;
