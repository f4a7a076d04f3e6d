package io.cairn.block;

/** A run of blocks with one provisioning status (SBC-4 5.6 GET LBA STATUS). */
public record LbaExtent(long lba, long blocks, boolean mapped) {}
