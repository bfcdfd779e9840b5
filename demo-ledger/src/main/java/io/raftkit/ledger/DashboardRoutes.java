package io.raftkit.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The dashboard's routes: the page and its files ({@code GET /}, {@code GET /dashboard/app.js},
 * {@code GET /dashboard/style.css}), this node's view ({@code GET /dashboard/state}) and, in the
 * local demo only, the controls ({@code POST /demo/nodes/{id}/stop|start|isolate|heal}); on a node
 * started alone every {@code /demo/} route answers 403. The live stream {@code GET /events} is
 * served by {@link EventStream}, since it is not one answer.
 */
final class DashboardRoutes {

    private static final String DEMO_PREFIX = "/demo/nodes/";
    private static final String FILE_PREFIX = "/dashboard/";

    private final LedgerNodeConfig config;
    private final DashboardView view;
    private final StaticFiles files;

    DashboardRoutes(LedgerNodeConfig config, DashboardView view, StaticFiles files) {
        this.config = config;
        this.view = view;
        this.files = files;
    }

    /** Whether this class answers {@code path}. */
    static boolean owns(String path) {
        return path.equals("/") || path.startsWith(FILE_PREFIX) || path.startsWith("/demo/");
    }

    /** The route template of one of its paths, for metrics. */
    static String routeOf(String path) {
        if (path.equals("/") || path.equals("/dashboard/state")) {
            return path;
        }
        if (path.startsWith(FILE_PREFIX)) {
            return "/dashboard/{file}";
        }
        return "/demo/nodes/{id}/{action}";
    }

    /**
     * Answers a request for one of its paths.
     *
     * @param respondOn where the answer of a control action is completed (the connection's loop)
     */
    CompletableFuture<ApiResponse> handle(ApiRequest r, Executor respondOn) {
        String path = r.path();
        if (path.startsWith("/demo/")) {
            return control(r, respondOn);
        }
        requireGet(r);
        if (path.equals("/")) {
            return file("index.html");
        }
        if (path.equals("/dashboard/state")) {
            return done(ApiResponse.json(200, view.json()).withHeader("Cache-Control", "no-store"));
        }
        return file(path.substring(FILE_PREFIX.length()));
    }

    private CompletableFuture<ApiResponse> file(String name) {
        StaticFiles.File f = files.get(name);
        if (f == null) {
            throw new ApiException(404, "NOT_FOUND", "no dashboard file " + Json.truncate(name));
        }
        return done(new ApiResponse(200, f.contentType(), f.body(), Map.of("Cache-Control", "no-cache")));
    }

    private CompletableFuture<ApiResponse> control(ApiRequest r, Executor respondOn) {
        LocalControls controls = view.controls();
        if (controls == null) {
            // the controls do not exist out of the local demo, whatever the method or the path
            throw new ApiException(403, "FORBIDDEN", "the demo controls exist only in the local demo"
                    + " (./ledger local), where every node runs in one process");
        }
        String rest = r.path().startsWith(DEMO_PREFIX) ? r.path().substring(DEMO_PREFIX.length()) : "";
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
            throw new ApiException(404, "NOT_FOUND", "no route " + Json.truncate(r.path())
                    + "; expected POST /demo/nodes/{id}/stop|start|isolate|heal");
        }
        String id = rest.substring(0, slash);
        String action = rest.substring(slash + 1);
        if (config.member(id) == null) {
            throw new ApiException(404, "NODE_NOT_FOUND", "no member " + Json.truncate(id));
        }
        Function<String, CompletableFuture<Void>> act = switch (action) {
            case "stop" -> controls::stop;
            case "start" -> controls::start;
            case "isolate" -> controls::isolate;
            case "heal" -> controls::heal;
            default -> throw new ApiException(404, "NOT_FOUND", "no demo action " + Json.truncate(action)
                    + "; expected stop, start, isolate or heal");
        };
        if (!r.method().equals("POST")) {
            throw new ApiException(405, "METHOD_NOT_ALLOWED", r.method() + " is not allowed on "
                    + Json.truncate(r.path()) + "; allowed: POST", Map.of("Allow", "POST"));
        }
        ObjectNode accepted = Json.object().put("node", id).put("action", action);
        CompletableFuture<Void> done = act.apply(id);
        if (id.equals(config.nodeId()) && action.equals("stop") && !done.isDone()) {
            // this node is about to close its own connections: say so before it does
            return done(ApiResponse.json(202, Json.bytes(accepted.put("status", "STOPPING"))));
        }
        return done.handleAsync((v, err) -> {
            if (err == null) {
                return ApiResponse.json(200, Json.bytes(accepted.put("status", "DONE")));
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            return LedgerApi.error(new ApiException(409, "REFUSED", String.valueOf(cause.getMessage())));
        }, respondOn);
    }

    private static void requireGet(ApiRequest r) {
        if (!r.method().equals("GET")) {
            throw new ApiException(405, "METHOD_NOT_ALLOWED", r.method() + " is not allowed on "
                    + Json.truncate(r.path()) + "; allowed: GET", Map.of("Allow", "GET"));
        }
    }

    private static CompletableFuture<ApiResponse> done(ApiResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
