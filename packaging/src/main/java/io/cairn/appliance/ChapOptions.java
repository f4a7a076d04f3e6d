package io.cairn.appliance;

import io.cairn.iscsi.login.AuthConfig;
import picocli.CommandLine.Option;

/** CHAP and mutual CHAP of a gateway (`cairn run`, `cairn gateway`). */
final class ChapOptions {
    @Option(names = "--chap-user", description = "Require CHAP with this user name.")
    String chapUser;
    @Option(names = "--chap-secret", description = "CHAP secret (12 to 16 characters recommended).")
    String chapSecret;
    @Option(names = "--mutual-chap-user", description = "Target's user name for mutual CHAP.")
    String mutualUser;
    @Option(names = "--mutual-chap-secret", description = "Target's secret for mutual CHAP.")
    String mutualSecret;

    /** What initiators must prove at login; refuses options that do not go together. */
    AuthConfig auth() {
        if ((chapUser == null) != (chapSecret == null)) {
            throw new IllegalArgumentException("--chap-user and --chap-secret go together");
        }
        if ((mutualUser == null) != (mutualSecret == null)) {
            throw new IllegalArgumentException("--mutual-chap-user and --mutual-chap-secret go together");
        }
        if (mutualUser != null && chapUser == null) {
            throw new IllegalArgumentException("mutual CHAP needs --chap-user and --chap-secret too");
        }
        if (chapUser == null) {
            return AuthConfig.none();
        }
        return mutualUser == null ? AuthConfig.chap(chapUser, chapSecret)
                : AuthConfig.mutualChap(chapUser, chapSecret, mutualUser, mutualSecret);
    }
}
