package io.raftkit.ledger;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the API sees it, independent of Netty.
 *
 * @param method      the HTTP method, upper case
 * @param uri         the raw request target (path and query), relayed as is when forwarded
 * @param path        the raw (still percent-encoded) path
 * @param params      the decoded query parameters
 * @param body        the body (empty if none)
 * @param forwardedBy the node that forwarded this request to us, or null if a client sent it
 */
record ApiRequest(String method, String uri, String path, Map<String, List<String>> params, byte[] body,
                  String forwardedBy) {

    /** The single value of a query parameter, or null. */
    String param(String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badRequest("INVALID_REQUEST", "query parameter " + name + " is given more than once");
        }
        return values.get(0);
    }
}
