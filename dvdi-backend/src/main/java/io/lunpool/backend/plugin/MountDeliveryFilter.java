package io.lunpool.backend.plugin;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * Gives a Mount's reference back when its answer never reaches the caller. Docker closes the connection when it
 * gives up (after 120 s) and then never sends the Unmount; a reference counted for that Mount would keep the
 * volume in use forever. {@link PluginResource} marks a successful Mount with {@link #ATTRIBUTE}; this filter
 * watches the bytes of the answer on their way to the socket (Jersey writes them only when it closes its
 * stream, outside the resource) and, if writing or the final flush fails, releases that one reference.
 */
final class MountDeliveryFilter implements Filter {
    static final String ATTRIBUTE = MountDeliveryFilter.class.getName() + ".lease";
    private final VolumePluginService service;

    /** The reference a Mount counted: released when its answer is lost. */
    record Lease(String name, String id) {
    }

    MountDeliveryFilter(VolumePluginService service) {
        this.service = service;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!((HttpServletRequest) request).getRequestURI().endsWith("/VolumeDriver.Mount")) {
            chain.doFilter(request, response);
            return;
        }
        WatchedResponse watched = new WatchedResponse((HttpServletResponse) response);
        try {
            chain.doFilter(request, watched);
            watched.flushBuffer();
        } catch (IOException e) {
            watched.failed = true;
            throw e;
        } finally {
            Object lease = request.getAttribute(ATTRIBUTE);
            if (watched.failed && lease instanceof Lease l) {
                service.releaseMount(l.name(), l.id());
            }
        }
    }

    /** An output call that may fail. */
    private interface Output {
        void run() throws IOException;
    }

    private static final class WatchedResponse extends HttpServletResponseWrapper {
        volatile boolean failed;
        private ServletOutputStream out;

        WatchedResponse(HttpServletResponse response) {
            super(response);
        }

        /** Runs the call; a failure marks the answer as not delivered. */
        void watch(Output call) throws IOException {
            try {
                call.run();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void flushBuffer() throws IOException {
            watch(super::flushBuffer);
        }

        @Override
        public synchronized ServletOutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new Watched(super.getOutputStream());
            }
            return out;
        }

        private final class Watched extends ServletOutputStream {
            private final ServletOutputStream delegate;

            Watched(ServletOutputStream delegate) {
                this.delegate = delegate;
            }

            @Override
            public boolean isReady() {
                return delegate.isReady();
            }

            @Override
            public void write(int b) throws IOException {
                watch(() -> delegate.write(b));
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                watch(() -> delegate.write(b, off, len));
            }

            @Override
            public void flush() throws IOException {
                watch(delegate::flush);
            }

            @Override
            public void close() throws IOException {
                watch(delegate::close);
            }

            /** Non-blocking writes are not watched: Jersey writes plugin answers blocking. */
            @Override
            public void setWriteListener(WriteListener listener) {
                delegate.setWriteListener(listener);
            }
        }
    }
}
