package io.cairn.coord.lun;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.session.ZkSession;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The LUN catalog in ZooKeeper: each LUN's definition is the JSON document
 * ({@link LunDefinitionCodec}) at {@code /luns/<id>/definition}. Reads come from a watched local
 * copy, primed before {@link #open} returns; this process's own writes are visible to its reads
 * as soon as they return.
 */
public final class ZkLunCatalog extends ZNodeStore implements LunCatalog {

    private static final int MAX_ATTEMPTS = 16;

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ZNodeMirror<LunDefinition> mirror;

    private ZkLunCatalog(ZkSession session) {
        super(session);
        this.mirror = watch(LunNode.LUNS, LunNode.DEFINITION::lunOf, LunDefinitionCodec::decode,
                (id, entry) -> listeners.forEach(l -> l.accept(id)));
    }

    /** Opens the catalog and reads every definition; use {@code Coordination.openLunCatalog}. */
    public static ZkLunCatalog open(ZkSession session) {
        ZkLunCatalog catalog = new ZkLunCatalog(session);
        catalog.prime();
        return catalog;
    }

    static String definitionPath(String id) {
        return LunNode.DEFINITION.path(id);
    }

    @Override
    public Optional<LunDefinition> get(String id) {
        ZNodeMirror.Entry<LunDefinition> entry = mirror.get(id);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.value());
    }

    /** Every readable definition, by id. */
    @Override
    public List<LunDefinition> list() {
        return mirror.entries().values().stream()
                .map(ZNodeMirror.Entry::value)
                .filter(Objects::nonNull)
                .sorted(Comparator.comparing(LunDefinition::id))
                .toList();
    }

    @Override
    public LunDefinition create(LunDefinition lun) throws LunExistsException {
        requireConnected("create LUN " + lun.id());
        Stat stat = new Stat();
        try {
            curator.create().creatingParentsIfNeeded().storingStatIn(stat)
                    .forPath(definitionPath(lun.id()), LunDefinitionCodec.encode(lun));
        } catch (KeeperException.NodeExistsException e) {
            throw new LunExistsException(lun.id());
        } catch (Exception e) {
            throw unavailable("create LUN " + lun.id(), e);
        }
        mirror.wrote(lun.id(), lun, stat);
        return lun;
    }

    /** Replaces the definition, compare-and-set against the stored version, retried if it raced. */
    @Override
    public LunDefinition update(LunDefinition lun) throws NoSuchLunException {
        requireConnected("update LUN " + lun.id());
        String path = definitionPath(lun.id());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                Stat current = curator.checkExists().forPath(path);
                if (current == null) throw new NoSuchLunException(lun.id());
                Stat written = curator.setData().withVersion(current.getVersion())
                        .forPath(path, LunDefinitionCodec.encode(lun));
                mirror.wrote(lun.id(), lun, written);
                return lun;
            } catch (KeeperException.BadVersionException e) {
                // someone else wrote in between: read the new version and try again
            } catch (KeeperException.NoNodeException e) {
                throw new NoSuchLunException(lun.id());
            } catch (NoSuchLunException e) {
                throw e;
            } catch (Exception e) {
                throw unavailable("update LUN " + lun.id(), e);
            }
        }
        throw new IllegalStateException("update of LUN " + lun.id() + " lost the race " + MAX_ATTEMPTS + " times");
    }

    /** Deletes the LUN and everything stored under it (its SCSI context too). */
    @Override
    public void delete(String id) throws NoSuchLunException {
        requireConnected("delete LUN " + id);
        try {
            Stat stat = curator.checkExists().forPath(definitionPath(id));
            if (stat == null) throw new NoSuchLunException(id);
            curator.delete().deletingChildrenIfNeeded().forPath(LunNode.lunPath(id));
            mirror.deleted(id, stat.getCzxid());
        } catch (KeeperException.NoNodeException e) {
            throw new NoSuchLunException(id);
        } catch (NoSuchLunException e) {
            throw e;
        } catch (Exception e) {
            throw unavailable("delete LUN " + id, e);
        }
    }

    /** Called on a coordination thread when a LUN is created, changed or deleted, by anyone. */
    @Override
    public void addListener(Consumer<String> changedLunId) {
        listeners.add(Objects.requireNonNull(changedLunId));
    }

    private void requireConnected(String what) {
        if (!session.isConnected()) throw session.notConnected(what);
    }

    private CoordinationUnavailableException unavailable(String what, Exception cause) {
        return session.unavailable(what, cause);
    }
}
