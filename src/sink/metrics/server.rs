//! The HTTP side: `/metrics` in the Prometheus text format, or OpenMetrics when the scraper's Accept header asks
//! for it, and `/healthz`; hyper's HTTP/1 server on a runtime of its own thread, so that a scrape never waits
//! behind the capture loop, nor the loop behind a scrape.

use std::{convert::Infallible, net::TcpListener, sync::Arc, thread, time::Duration};

use anyhow::Context;
use http_body_util::Full;
use hyper::{
    Method, Request, Response, StatusCode,
    body::{Bytes, Incoming},
    header::{ACCEPT, CONTENT_TYPE, HeaderValue},
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::TokioIo;
use prometheus_client::{
    encoding::{prometheus_text, text},
    registry::Registry,
};

const OPENMETRICS: &str = "application/openmetrics-text";
const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// After a failed accept: a pause, so that a lasting failure (no descriptors left) does not spin.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Serves `registry` on `listener` (already bound: its errors came before capture started) until ptstat exits.
pub fn spawn(listener: TcpListener, registry: Arc<Registry>) -> anyhow::Result<()> {
    listener.set_nonblocking(true).context("--metrics")?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    thread::Builder::new()
        .name("ptstat-metrics".into())
        .spawn(move || {
            if let Err(error) = runtime.block_on(accept(listener, registry)) {
                eprintln!("ptstat: warning: --metrics stopped: {error}");
            }
        })
        .context("starting the metrics server")?;
    Ok(())
}

async fn accept(listener: TcpListener, registry: Arc<Registry>) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A connection reset before it was accepted, or out of descriptors for a moment: say so, go on.
            Err(error) => {
                eprintln!("ptstat: warning: --metrics: {error}");
                tokio::time::sleep(ACCEPT_RETRY).await;
                continue;
            }
        };
        let registry = registry.clone();
        tokio::spawn(async move {
            let service = service_fn(|request| std::future::ready(Ok::<_, Infallible>(answer(&request, &registry))));
            // A scraper that hangs up mid-answer is its own business.
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

fn answer(request: &Request<Incoming>, registry: &Registry) -> Response<Full<Bytes>> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET\n");
    }
    match request.uri().path() {
        "/metrics" => metrics(request, registry),
        "/healthz" => plain(StatusCode::OK, "ok\n"),
        _ => plain(StatusCode::NOT_FOUND, "ptstat serves /metrics and /healthz\n"),
    }
}

fn metrics(request: &Request<Incoming>, registry: &Registry) -> Response<Full<Bytes>> {
    let openmetrics = request
        .headers()
        .get_all(ACCEPT)
        .iter()
        .any(|accept| accept.to_str().is_ok_and(|accept| accept.contains(OPENMETRICS)));
    let mut body = String::new();
    let (encoded, content_type) = match openmetrics {
        true => (text::encode(&mut body, registry), OPENMETRICS_CONTENT_TYPE),
        false => (prometheus_text::encode(&mut body, registry), prometheus_text::CONTENT_TYPE),
    };
    match encoded {
        Ok(()) => {
            let mut response = Response::new(Full::new(Bytes::from(body)));
            response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "the metrics could not be written\n"),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
