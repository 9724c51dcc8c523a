/**
 * Embed Consent: the browser API of the activation script `{base}/embed-consent.js` (base "/embed-consent" by
 * default). The script defines `window.embedConsent` when it runs and dispatches its events on `document`.
 * Shipped in the servlet-filter jar as `dev/embedconsent/servlet/assets/embed-consent.d.ts`.
 *
 * A single-page app that creates an embed itself asks first:
 *
 *     const { state } = await window.embedConsent!.state();
 *     if (!state["youtube"]?.granted) {
 *       await showOwnConsentDialog();                      // resolves when the visitor clicks "Allow"
 *       await window.embedConsent!.grant("youtube");
 *     }
 *     createPlayer();
 *
 * Every method answers a Promise that rejects with an Error when the endpoint answers with an error status
 * (for example 429 when a client posts too often) or cannot be reached.
 */

/** A provider id such as "youtube", "google-maps" or "host:videos.example.org". */
export type ProviderId = string;

/** "provider": until withdrawn or expired ("Always allow"). "once": this one time ("Load once"). */
export type ConsentScope = "provider" | "once";

/** A recorded decision as it reads now; an old grant whose notice changed or whose time ran out reads "expired". */
export type Decision = "given" | "withdrawn" | "expired" | "refused";

/** The visitor's standing decision about one provider. */
export interface ProviderDecision {
  decision: Decision;
  /** true when `decision` is "given": embeds of this provider may load. */
  granted: boolean;
  noticeVersion: string;
  /** ISO-8601 instant of the decision. */
  timestamp: string;
  /** ISO-8601 instant when the decision stops counting. */
  expiry: string;
  /** The consent record that proves it. */
  recordId: string;
}

/** The answer of `GET {base}/consent`: the visitor's standing decisions ("once" grants are not among them). */
export interface ConsentAnswer {
  /** The visitor's pseudonymous id, or null before their first decision. */
  subject: string | null;
  state: Record<ProviderId, ProviderDecision>;
}

/** The answer of `POST {base}/consent` (JSON). */
export interface DecisionAnswer {
  recordId: string;
  subject: string;
  provider: ProviderId;
  decision: Decision;
  scope: ConsentScope;
  /** The visitor's standing decisions after this one. */
  state: Record<ProviderId, ProviderDecision>;
  /** What the script announced to screen readers, in the page's language (e.g. "loaded", "Consent withdrawn"). */
  announce: string;
}

export interface GrantOptions {
  /** Default "provider". */
  scope?: ConsentScope;
}

export interface EmbedConsentApi {
  /**
   * Records the visitor's consent to a provider (as if they had clicked a placeholder's button, method "button").
   * With scope "provider" every placeholder of it on the page, and every one added later, is activated; with
   * "once" only the provider's inert loaders (`template.ec-inert`) run, and the caller loads its own embed.
   * Fires `embed-consent:granted`. Call it only on the visitor's own action.
   */
  grant(provider: ProviderId, options?: GrantOptions): Promise<DecisionAnswer>;
  /** Withdraws the consent to a provider; fires `embed-consent:withdrawn`. Embeds already loaded stay until reload. */
  withdraw(provider: ProviderId): Promise<DecisionAnswer>;
  /** The visitor's decisions, from `GET {base}/consent` (the server checks the signed cookie). */
  state(): Promise<ConsentAnswer>;
}

/** `detail` of `embed-consent:granted` and `embed-consent:withdrawn`. */
export interface ConsentEventDetail {
  provider: ProviderId;
  /** The grant's scope; always "provider" for a withdrawal. */
  scope: ConsentScope;
}

declare global {
  interface Window {
    /** Defined once embed-consent.js has run. */
    embedConsent?: EmbedConsentApi;
  }
  interface DocumentEventMap {
    "embed-consent:granted": CustomEvent<ConsentEventDetail>;
    "embed-consent:withdrawn": CustomEvent<ConsentEventDetail>;
  }
}
