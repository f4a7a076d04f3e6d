package io.cairn.store.net;

import io.cairn.replica.VersionSnapshot;
import io.netty.buffer.ByteBuf;

/**
 * A versions result. Fields: replication block bytes, block count; data: the epochs (long each),
 * the ids (long each), the mapped flags (byte each), in block order.
 */
public record VersionsResponse(VersionSnapshot snapshot) implements Message {
    static final int BYTES_PER_BLOCK = 17;

    @Override
    public MessageType type() {
        return MessageType.VERSION_SNAPSHOT;
    }

    @Override
    public void writeFields(ByteBuf out) {
        writeSnapshotFields(out, snapshot);
    }

    @Override
    public void writeData(ByteBuf out) {
        writeSnapshotData(out, snapshot);
    }

    static VersionsResponse read(int flags, ByteBuf fields, ByteBuf data) {
        int replicationBlockBytes = fields.readInt();
        int blocks = fields.readInt();
        BlockProtocol.check(blocks >= 0 && (long) blocks * BYTES_PER_BLOCK == data.readableBytes(),
                "block count does not match the data length");
        return new VersionsResponse(readSnapshot(replicationBlockBytes, blocks, data));
    }

    static void writeSnapshotFields(ByteBuf out, VersionSnapshot s) {
        if (s.epochs().length != s.blocks() || s.mapped().length != s.blocks()) {
            throw new IllegalArgumentException("version snapshot arrays differ in length");
        }
        out.writeInt(s.replicationBlockBytes()).writeInt(s.blocks());
    }

    static void writeSnapshotData(ByteBuf out, VersionSnapshot s) {
        for (long e : s.epochs()) {
            out.writeLong(e);
        }
        for (long id : s.ids()) {
            out.writeLong(id);
        }
        for (boolean m : s.mapped()) {
            out.writeBoolean(m);
        }
    }

    /** Reads {@code blocks} entries; the caller has checked that {@code data} holds them. */
    static VersionSnapshot readSnapshot(int replicationBlockBytes, int blocks, ByteBuf data) {
        long[] epochs = new long[blocks];
        long[] ids = new long[blocks];
        boolean[] mapped = new boolean[blocks];
        for (int i = 0; i < blocks; i++) {
            epochs[i] = data.readLong();
        }
        for (int i = 0; i < blocks; i++) {
            ids[i] = data.readLong();
        }
        for (int i = 0; i < blocks; i++) {
            mapped[i] = data.readBoolean();
        }
        return new VersionSnapshot(replicationBlockBytes, epochs, ids, mapped);
    }
}
