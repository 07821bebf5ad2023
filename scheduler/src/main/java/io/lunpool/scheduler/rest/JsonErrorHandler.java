package io.lunpool.scheduler.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.Reason;
import io.lunpool.core.api.ErrorBody;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request it refuses before Jersey sees it, such as a path with a control
 * character) as {@code {"reason","message"}}, like every other error of the REST API, instead of an
 * empty body or an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = Json.mapper();
    private static final HttpField CONTENT_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    /** Every method gets a body, not only GET, POST and HEAD: PUT and DELETE are API calls too. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(CONTENT_TYPE);
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    private static byte[] body(int status, String message) {
        Reason reason = status == 404 ? Reason.NOT_FOUND : status >= 500 ? Reason.TRANSIENT : Reason.INVALID;
        String text = "HTTP " + status + (message == null || message.isBlank() ? "" : ": " + message)
                + (status == 400 ? " (the request line or a header was refused before it reached the API;"
                + " names may hold only letters, digits, '_', '.' and '-')" : "");
        try {
            return JSON.writeValueAsBytes(new ErrorBody(reason.name(), text));
        } catch (JsonProcessingException e) {
            return ("{\"reason\":\"" + reason + "\",\"message\":\"HTTP " + status + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
