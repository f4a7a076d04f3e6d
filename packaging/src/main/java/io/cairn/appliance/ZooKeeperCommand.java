package io.cairn.appliance;

import io.cairn.coord.server.EmbeddedZooKeeper;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `cairn zookeeper`: a standalone single-server ZooKeeper for small clusters and tests. Production
 * runs a ZooKeeper ensemble of three or five servers and points every Cairn process at it.
 */
@Command(name = "zookeeper", mixinStandardHelpOptions = true,
        description = "Run a standalone ZooKeeper server (single server: for tests and small setups).")
final class ZooKeeperCommand implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, description = "Snapshot and transaction log directory.")
    Path dataDir;
    @Option(names = "--listen", defaultValue = "127.0.0.1", description = "Client address (default: ${DEFAULT-VALUE}).")
    String listen;
    @Option(names = "--zk-port", defaultValue = "2181", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedZooKeeper zk;
        try {
            zk = new EmbeddedZooKeeper(dataDir.toAbsolutePath(), new InetSocketAddress(listen, port)).start();
        } catch (RuntimeException e) {
            System.err.println("cairn: ZooKeeper failed to start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = StartedParts.closeOnShutdown(zk);
        System.out.println("ZooKeeper ready: " + zk.connectString());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
