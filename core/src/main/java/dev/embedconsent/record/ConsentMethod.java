package dev.embedconsent.record;

import java.util.Locale;

/** How the decision reached the server: a script-driven button, a plain HTML form post, or a direct API call. */
public enum ConsentMethod {
    BUTTON,
    FORM,
    API;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static ConsentMethod fromJson(String value) {
        switch (value) {
            case "button": return BUTTON;
            case "form": return FORM;
            case "api": return API;
            default:
                throw new IllegalArgumentException("unknown method '" + value + "'; expected button|form|api");
        }
    }
}
