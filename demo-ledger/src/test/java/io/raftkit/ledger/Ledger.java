package io.raftkit.ledger;

import io.raftkit.ledger.proto.Account;
import io.raftkit.ledger.proto.QueryResult;
import io.raftkit.ledger.proto.Result;
import io.raftkit.ledger.proto.TransferRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test driver of a {@link LedgerStateMachine}: applies commands at increasing indexes, decodes answers. */
final class Ledger {

    final LedgerStateMachine sm;
    long index;

    Ledger(LedgerStateMachine sm) {
        this.sm = sm;
        this.index = sm.lastAppliedIndex();
    }

    Result create(String id, long cents) {
        return apply(LedgerCodec.createAccount(id, cents));
    }

    Result transfer(String msgId, String from, String to, long cents) {
        return apply(LedgerCodec.transfer(msgId, from, to, cents, 7, 1_700_000_000_000L + index));
    }

    Result apply(byte[] command) {
        try {
            return Result.parseFrom(sm.apply(++index, command));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    Long balance(String id) {
        QueryResult q = query(LedgerCodec.getAccount(id));
        return q.getAccount().getFound() ? q.getAccount().getAccount().getBalanceCents() : null;
    }

    Map<String, Long> accounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Account a : query(LedgerCodec.listAccounts()).getAccounts().getAccountsList()) {
            m.put(a.getId(), a.getBalanceCents());
        }
        return m;
    }

    List<TransferRecord> transfers(long after, int limit) {
        return query(LedgerCodec.listTransfers(after, limit)).getTransfers().getTransfersList();
    }

    TransferRecord transfer(String msgId) {
        QueryResult q = query(LedgerCodec.getTransfer(msgId));
        return q.getTransfer().getFound() ? q.getTransfer().getRecord() : null;
    }

    QueryResult query(byte[] q) {
        try {
            return QueryResult.parseFrom(sm.query(q));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
