package io.cairn.store.net;

import io.cairn.replica.Verification;
import io.netty.buffer.ByteBuf;

/**
 * A verify result. Fields: node, replication block bytes, block count, digest count; data: the
 * version snapshot as {@link VersionsResponse} lays it out, then the digests (long each).
 */
public record VerificationResponse(Verification verification) implements Message {

    @Override
    public MessageType type() {
        return MessageType.VERIFICATION;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeInt(verification.node());
        VersionsResponse.writeSnapshotFields(out, verification.versions());
        out.writeInt(verification.contentDigests().length);
    }

    @Override
    public void writeData(ByteBuf out) {
        VersionsResponse.writeSnapshotData(out, verification.versions());
        for (long d : verification.contentDigests()) {
            out.writeLong(d);
        }
    }

    static VerificationResponse read(int flags, ByteBuf fields, ByteBuf data) {
        int node = fields.readInt();
        int replicationBlockBytes = fields.readInt();
        int blocks = fields.readInt();
        int digests = fields.readInt();
        BlockProtocol.check(blocks >= 0 && digests >= 0
                        && (long) blocks * VersionsResponse.BYTES_PER_BLOCK + 8L * digests == data.readableBytes(),
                "block and digest counts do not match the data length");
        var snapshot = VersionsResponse.readSnapshot(replicationBlockBytes, blocks, data);
        long[] contentDigests = new long[digests];
        for (int i = 0; i < digests; i++) {
            contentDigests[i] = data.readLong();
        }
        return new VerificationResponse(new Verification(node, snapshot, contentDigests));
    }
}
