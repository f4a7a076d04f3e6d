package io.cairn.appliance;

import picocli.CommandLine.Option;

/**
 * CHAP names and the mutual CHAP secret (`cairn run`, `cairn gateway`). --chap-secret stays with
 * each command: `cairn run` describes it with a recommended length, `cairn gateway` does not, and
 * sharing it would change one command's help. Each command checks the pairs itself (their messages
 * differ).
 */
final class ChapOptions {
    @Option(names = "--chap-user", description = "Require CHAP with this user name.")
    String chapUser;
    @Option(names = "--mutual-chap-user", description = "Target's user name for mutual CHAP.")
    String mutualUser;
    @Option(names = "--mutual-chap-secret", description = "Target's secret for mutual CHAP.")
    String mutualSecret;
}
