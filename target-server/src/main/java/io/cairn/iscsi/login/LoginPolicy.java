package io.cairn.iscsi.login;

/** What the connection tells the login negotiator about this portal and its targets. */
public interface LoginPolicy {
    boolean targetExists(String targetName);

    /** Authentication for a target, or for the discovery portal when {@code targetName} is null. */
    AuthConfig authFor(String targetName);

    int portalGroupTag();

    /** The TargetAlias to declare, or null for none. */
    String targetAlias(String targetName);

    TargetLimits limits();
}
