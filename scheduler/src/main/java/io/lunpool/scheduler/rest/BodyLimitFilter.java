package io.lunpool.scheduler.rest;

import io.lunpool.core.Reason;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses request bodies over {@value #MAX_BYTES} bytes (declared or streamed) before they are parsed.
 * A streamed body that runs over fails its read with a 413 {@link WebApplicationException}: an
 * {@code IOException} there would escape Jersey's exception mappers and become a 500 HTML page.
 */
public final class BodyLimitFilter implements ContainerRequestFilter {
    static final int MAX_BYTES = 64 * 1024;

    @Override
    public void filter(ContainerRequestContext ctx) {
        if (ctx.getLength() > MAX_BYTES) {
            ctx.abortWith(ErrorMappers.error(413, Reason.INVALID, "request body of " + ctx.getLength()
                    + " bytes is over the limit of " + MAX_BYTES));
            return;
        }
        ctx.setEntityStream(new Bounded(ctx.getEntityStream()));
    }

    private static final class Bounded extends FilterInputStream {
        private long read;

        Bounded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > MAX_BYTES) {
                throw new WebApplicationException("request body is over the limit of " + MAX_BYTES + " bytes", 413);
            }
        }
    }
}
