package io.raftkit.ledger;

import java.util.regex.Pattern;

/** The rules for account ids and msgIds (DESIGN.md §6), shared by the HTTP API and the state machine. */
public final class Ids {

    /** The longest account id. */
    public static final int MAX_ACCOUNT_ID = 64;
    /** The longest msgId. */
    public static final int MAX_MSG_ID = 128;

    private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_ACCOUNT_ID + "}");
    private static final Pattern MSG_ID = Pattern.compile("[\\x20-\\x7E]{1," + MAX_MSG_ID + "}");

    private Ids() {
    }

    /** Whether {@code id} is 1 to 64 characters of {@code [A-Za-z0-9_.-]}. */
    public static boolean isValidAccountId(String id) {
        return id != null && ACCOUNT_ID.matcher(id).matches();
    }

    /** Whether {@code msgId} is 1 to 128 printable ASCII characters (space to tilde). */
    public static boolean isValidMsgId(String msgId) {
        return msgId != null && MSG_ID.matcher(msgId).matches();
    }
}
