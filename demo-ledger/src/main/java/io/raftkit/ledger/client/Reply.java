package io.raftkit.ledger.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;

/**
 * One HTTP answer of a node.
 *
 * @param retryAfter the {@code Retry-After} delay, or null
 */
record Reply(URI from, int status, JsonNode body, String raftLeader, Duration retryAfter) {

    /** The API's error code, or the status when the body carries none. */
    String code() {
        return body.path("error").asText("HTTP_" + status);
    }

    String message() {
        return body.path("message").asText("");
    }

    /**
     * Whether the answer is the ledger's last word on the request: success, or a client-side
     * error (400, 404, 409, 422). A 5xx, 408 or 429 is not: another attempt may succeed.
     */
    boolean definite() {
        return status < 500 && status != 408 && status != 429;
    }

    /**
     * Whether a request that got this answer was certainly not applied: the node refused it
     * before submitting it to Raft (no leader, overloaded).
     */
    boolean certainlyNotApplied() {
        String code = code();
        return code.equals("NO_LEADER") || code.equals("OVERLOADED") || status == 429;
    }

    LedgerErrorException error() {
        return new LedgerErrorException(status, code(), message());
    }

    String describe() {
        return status + " " + code() + " from " + from;
    }
}
