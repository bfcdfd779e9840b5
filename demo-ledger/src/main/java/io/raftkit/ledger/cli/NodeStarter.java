package io.raftkit.ledger.cli;

import io.raftkit.ledger.LedgerNode;
import io.raftkit.ledger.LedgerNodeConfig;
import io.raftkit.ledger.LocalControls;
import java.net.BindException;

/** Starts a node and turns the usual start failures into one-line reasons. */
final class NodeStarter {

    private NodeStarter() {
    }

    static LedgerNode start(LedgerNodeConfig config) {
        return start(config, null);
    }

    /** Starts a node of the local cluster, with the dashboard's controls ({@code null}: none). */
    static LedgerNode start(LedgerNodeConfig config, LocalControls controls) {
        try {
            return LedgerNode.start(config, controls);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) {
                    throw new CliFailure(ExitCodes.FAILURE, "node " + config.nodeId() + " cannot bind its ports ("
                            + t.getMessage() + "): is another ledger running on them?");
                }
            }
            throw new CliFailure(ExitCodes.FAILURE, "node " + config.nodeId() + " did not start: " + rootMessage(e)
                    + " (details in the log of " + config.dataDir() + ")");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
