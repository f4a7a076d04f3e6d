package io.cairn.appliance;

import picocli.CommandLine.Option;

/**
 * CHAP names and the mutual CHAP secret (`cairn run`, `cairn gateway`). --chap-secret stays with
 * each command: `cairn run` describes it with a recommended length, `cairn gateway` does not, and
 * sharing it would change one command's help; {@link #validate} takes it as an argument.
 */
final class ChapOptions {
    @Option(names = "--chap-user", description = "Require CHAP with this user name.")
    String chapUser;
    @Option(names = "--mutual-chap-user", description = "Target's user name for mutual CHAP.")
    String mutualUser;
    @Option(names = "--mutual-chap-secret", description = "Target's secret for mutual CHAP.")
    String mutualSecret;

    /** @param chapSecret the command's own --chap-secret (its description differs between commands) */
    void validate(String chapSecret) {
        if ((chapUser == null) != (chapSecret == null)) {
            throw new IllegalArgumentException("--chap-user and --chap-secret go together");
        }
        if ((mutualUser == null) != (mutualSecret == null)) {
            throw new IllegalArgumentException("--mutual-chap-user and --mutual-chap-secret go together");
        }
        if (mutualUser != null && chapUser == null) {
            throw new IllegalArgumentException("mutual CHAP needs --chap-user and --chap-secret too");
        }
    }
}
