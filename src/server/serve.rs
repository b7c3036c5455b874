//! Serving a [`Site`] on a listener: connections, the downloads answered
//! before the router, the client's address for fair use, graceful shutdown.

use super::{Site, downloads, fair_use};
use axum::http::Request;
use std::time::Duration;

/// Serves `site` on `listener` until `shutdown` completes, then lets the
/// running requests finish. Each request is answered by the site current
/// when it arrives (see [`Site::replace`]). Each connection must send its
/// request headers within [`Config::header_read_timeout`]. Downloads of the
/// published files are answered before the router (see
/// [`downloads::direct`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    site: Site,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let header_read_timeout = site.state().config.header_read_timeout;
    let app = move |peer: std::net::IpAddr| {
        let site = site.clone();
        tower::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            let site = site.clone();
            request.extensions_mut().insert(fair_use::PeerAddress(peer));
            async move {
                if downloads::is_download(&request) {
                    let state = site.state();
                    if let Some(response) = downloads::direct(&state, &request) {
                        state
                            .metrics()
                            .answered(downloads::ROUTE, response.status().as_u16());
                        return Ok(response);
                    }
                }
                site.router().oneshot(request).await
            }
        })
    };
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => (stream, peer.ip()),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = stream;
        let service = TowerToHyperService::new(app(peer));
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Completes on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the running requests");
}
