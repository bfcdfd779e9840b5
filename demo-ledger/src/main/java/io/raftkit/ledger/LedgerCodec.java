package io.raftkit.ledger;

import io.raftkit.ledger.proto.Command;
import io.raftkit.ledger.proto.CreateAccount;
import io.raftkit.ledger.proto.ListAccounts;
import io.raftkit.ledger.proto.ListTransfers;
import io.raftkit.ledger.proto.Query;
import io.raftkit.ledger.proto.Transfer;

/**
 * Builds the protobuf commands and queries of the ledger. Every command carries
 * {@link #CURRENT_VERSION}: a later release that changes what a command means raises it and keeps
 * applying today's version the way today's code does, so the log written today stays readable.
 */
public final class LedgerCodec {

    /** The command version this release writes and the newest it applies. */
    public static final int CURRENT_VERSION = 1;

    private LedgerCodec() {
    }

    public static byte[] createAccount(String id, long initialCents) {
        return Command.newBuilder().setVersion(CURRENT_VERSION)
                .setCreateAccount(CreateAccount.newBuilder().setId(id).setInitialCents(initialCents))
                .build().toByteArray();
    }

    /**
     * A transfer command.
     *
     * @param term            the term of the leader that accepts the transfer
     * @param createdAtMillis the accepting leader's clock, so every replica stores the same value
     */
    public static byte[] transfer(String msgId, String from, String to, long amountCents, long term,
                                  long createdAtMillis) {
        return Command.newBuilder().setVersion(CURRENT_VERSION)
                .setTransfer(Transfer.newBuilder().setMsgId(msgId).setFrom(from).setTo(to)
                        .setAmountCents(amountCents).setTerm(term).setCreatedAtMillis(createdAtMillis))
                .build().toByteArray();
    }

    public static byte[] getAccount(String id) {
        return Query.newBuilder().setGetAccount(id).build().toByteArray();
    }

    public static byte[] listAccounts() {
        return Query.newBuilder().setListAccounts(ListAccounts.getDefaultInstance()).build().toByteArray();
    }

    public static byte[] getTransfer(String msgId) {
        return Query.newBuilder().setGetTransfer(msgId).build().toByteArray();
    }

    public static byte[] listTransfers(long afterIndex, int limit) {
        return Query.newBuilder().setListTransfers(ListTransfers.newBuilder().setAfterIndex(afterIndex).setLimit(limit))
                .build().toByteArray();
    }
}
