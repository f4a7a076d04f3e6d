package io.cairn.iscsi.target;

import io.cairn.iscsi.login.AuthConfig;
import java.util.List;

/** What the iSCSI layer needs to know about the targets this gateway presents. Thread-safe. */
public interface IscsiTargets {

    /** Every target name, for SendTargets=All. */
    List<String> targetNames();

    boolean exists(String targetName);

    /** Authentication for a target's sessions, or for discovery sessions when {@code targetName} is null. */
    AuthConfig auth(String targetName);

    /** Portals of a target, as TargetAddress values "host:port,tpgt" (RFC 7143 13.8). */
    List<String> portals(String targetName);
}
