package io.cairn.appliance;

import picocli.CommandLine.Option;

/**
 * The ZooKeeper ensemble a cluster role joins (`cairn store`, `cairn gateway`). `cairn run` has its
 * own --zk-connect: there it is optional and replaces the embedded server. --zk-session-timeout
 * stays with each command because its description differs (the store's names the failover bound).
 */
final class ZooKeeperOptions {
    @Option(names = "--zk-connect", required = true, description = "ZooKeeper ensemble host:port[,host:port].")
    String zkConnect;
}
