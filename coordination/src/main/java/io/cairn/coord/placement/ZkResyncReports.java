package io.cairn.coord.placement;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.lun.LunNode;
import io.cairn.coord.session.ZkSession;
import io.cairn.coord.CoordinationUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.zookeeper.KeeperException;

/**
 * {@link ResyncReports} in ZooKeeper, at /luns/&lt;id&gt;/resync/&lt;index&gt;-&lt;node&gt;.
 */
public final class ZkResyncReports implements ResyncReports {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ZkSession session;

    public ZkResyncReports(ZkSession session) {
        this.session = session;
    }

    @Override
    public void record(Report report) {
        String path = LunNode.RESYNC.path(report.lunId(), report.index() + "-" + report.replica());
        try {
            byte[] data = JSON.writeValueAsBytes(report);
            try {
                session.curator().setData().forPath(path, data);
            } catch (KeeperException.NoNodeException e) {
                session.curator().create().creatingParentsIfNeeded().forPath(path, data);
            }
        } catch (Exception e) {
            throw new CoordinationUnavailableException("cannot record resync report at " + path, e);
        }
    }

    /** Reports of a LUN, by sub-unit index then replica. */
    @Override
    public List<Report> list(String lunId) {
        String dir = LunNode.RESYNC.path(lunId);
        List<Report> out = new ArrayList<>();
        try {
            for (String child : session.curator().getChildren().forPath(dir)) {
                out.add(JSON.readValue(session.curator().getData().forPath(dir + "/" + child), Report.class));
            }
        } catch (KeeperException.NoNodeException e) {
            return out;
        } catch (Exception e) {
            throw new CoordinationUnavailableException("cannot read resync reports at " + dir, e);
        }
        out.sort(Comparator.comparingInt(Report::index).thenComparingInt(Report::replica));
        return out;
    }
}
