package dev.embedconsent.provider;

/** How a provider's embeds are recognised in markup. Placeholder: the provider work defines the cases. */
public interface MatchRule {}
