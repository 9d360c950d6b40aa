//! The long-running commands: `serve` (HTTP) and `mcp` (stdio), on one async runtime
//! made here; the library's servers run on it and make none of their own.

use anyhow::{Context, Result};
use std::process::ExitCode;
use zhengce::Engine;

/// The multi-threaded runtime the servers run on.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Serves MCP over stdin/stdout until the client closes the connection.
#[cfg(feature = "mcp")]
pub fn mcp(engine: Engine, base_url: &str) -> Result<ExitCode> {
    runtime()?.block_on(zhengce::mcp::serve(engine, base_url))?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the HTTP server until SIGINT or SIGTERM; reloads a rebuilt index every 2 s and on
/// SIGHUP.
#[cfg(feature = "http")]
pub fn serve(engine: Engine, addr: std::net::SocketAddr) -> Result<ExitCode> {
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr()?;
        eprintln!("zhengce: listening on http://{local}/");
        tokio::spawn(reload_loop(engine.clone()));
        zhengce::http::serve(
            listener,
            zhengce::http::AppState::new(engine),
            shutdown_signal(),
        )
        .await
        .context("serving HTTP")?;
        eprintln!("zhengce: stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Picks up a rebuilt index: every 2 s, and at once on SIGHUP.
#[cfg(feature = "http")]
async fn reload_loop(engine: Engine) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    loop {
        #[cfg(unix)]
        {
            let hangup = async {
                match hup.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tick.tick() => {}
                _ = hangup => tracing::info!("SIGHUP: checking for a new index"),
            }
        }
        #[cfg(not(unix))]
        tick.tick().await;
        let e = engine.clone();
        match tokio::task::spawn_blocking(move || e.reload_if_changed()).await {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::warn!(error = %err, "could not reload the index"),
            Err(err) => tracing::warn!(error = %err, "reload task failed"),
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
#[cfg(feature = "http")]
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}
