package download

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"time"
)

// DefaultTimeout is used for every phase that ClientOptions leaves at zero.
const DefaultTimeout = 30 * time.Second

// ClientOptions configures NewClient. Zero durations take Timeout, and a zero
// Timeout takes DefaultTimeout. No option bounds a whole request: toolchains
// are 70-200 MB and a slow but moving download must be allowed to finish.
type ClientOptions struct {
	// Timeout is the default for every phase below.
	Timeout time.Duration
	// DialTimeout bounds establishing a TCP connection.
	DialTimeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake.
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for response headers once the
	// request is sent.
	ResponseHeaderTimeout time.Duration
	// IdleTimeout bounds each read of a response body: a body that delivers
	// no byte for this long fails with ErrIdleTimeout.
	IdleTimeout time.Duration
	// Proxy picks the proxy of a request; nil means the environment
	// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as the go command does.
	Proxy func(*http.Request) (*url.URL, error)
}

func (o ClientOptions) phase(d time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// NewClient returns an HTTP client for downloads: proxies from the
// environment, the system certificate store, bounded connect, handshake and
// header waits, and an idle timeout on every body read.
func NewClient(o ClientOptions) *http.Client {
	proxy := o.Proxy
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	dialer := &net.Dialer{Timeout: o.phase(o.DialTimeout), KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 proxy,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   o.phase(o.TLSHandshakeTimeout),
		ResponseHeaderTimeout: o.phase(o.ResponseHeaderTimeout),
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          16,
	}
	return &http.Client{Transport: &idleTransport{base: tr, idle: o.phase(o.IdleTimeout)}}
}

// idleTransport gives every response body an idle timeout. It cannot be a
// plain deadline on the connection: HTTP/2 multiplexes streams on one
// connection, so the stall is detected per body and the request's own
// context is cancelled, which unblocks a pending read on either protocol.
type idleTransport struct {
	base http.RoundTripper
	idle time.Duration
}

func (t *idleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = newIdleBody(resp.Body, t.idle, cancel)
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// wrapped transport.
func (t *idleTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
