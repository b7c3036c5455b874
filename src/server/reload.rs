//! Reloading without a restart. The served [`Site`] (a state and its routes)
//! is replaced as a whole: each request is answered from the site current
//! when it arrived, start to end, so no request fails or mixes two builds
//! during a swap. A rebuild that fails (invalid data) is logged with its
//! file, line and field, and the running site is kept.

use super::{AppState, router};
use axum::Router;
use std::sync::{Arc, RwLock};

/// The site being served; cheap to clone, shared by every connection.
#[derive(Clone)]
pub struct Site(Arc<RwLock<Current>>);

struct Current {
    state: AppState,
    router: Router,
}

impl Site {
    /// A site serving `state`.
    pub fn new(state: AppState) -> Self {
        let router = router(state.clone());
        Self(Arc::new(RwLock::new(Current { state, router })))
    }

    /// The state being served.
    pub fn state(&self) -> AppState {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .state
            .clone()
    }

    /// The routes of the state being served.
    pub fn router(&self) -> Router {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .router
            .clone()
    }

    /// Serves `state` from now on; requests already running finish with
    /// the state they started with.
    pub fn replace(&self, state: AppState) {
        let router = router(state.clone());
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Current { state, router };
    }
}

/// Rebuilds the site with `rebuild` on every `SIGHUP` and serves the result;
/// runs until the process ends. `rebuild` gets the state being served and
/// runs on a blocking thread (it reads and converts the source data).
pub async fn reload_on_hangup<F>(site: Site, rebuild: F)
where
    F: Fn(&AppState) -> anyhow::Result<AppState> + Send + Sync + 'static,
{
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(signal) => signal,
        Err(e) => {
            tracing::error!(error = %e, "cannot listen for SIGHUP: no reload");
            return;
        }
    };
    let rebuild = Arc::new(rebuild);
    while hangups.recv().await.is_some() {
        tracing::info!("SIGHUP: rebuilding the data set");
        swap(&site, Arc::clone(&rebuild), "data").await;
    }
}

/// Follows the release `build --out DIR` publishes in `out`: when
/// `out/current` points to another release (checked twice a second) or on
/// `SIGHUP`, `reopen` opens it (on a blocking thread, given the state being
/// served) and the site serves it from then on; requests already running
/// finish on the release they started with, whose files stay mapped.
/// Runs until the process ends.
pub async fn follow_release<F>(site: Site, out: std::path::PathBuf, reopen: F)
where
    F: Fn(&AppState) -> anyhow::Result<AppState> + Send + Sync + 'static,
{
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(signal) => Some(signal),
        Err(e) => {
            tracing::error!(error = %e, "cannot listen for SIGHUP: the release is still followed");
            None
        }
    };
    let reopen = Arc::new(reopen);
    let mut ticks = tokio::time::interval(std::time::Duration::from_millis(500));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // A release that failed to open is not tried again until `current` moves.
    let mut failed: Option<String> = None;
    loop {
        let hangup = async {
            match hangups.as_mut() {
                Some(signal) => signal.recv().await,
                None => std::future::pending().await,
            }
        };
        let asked = tokio::select! {
            _ = ticks.tick() => false,
            _ = hangup => true,
        };
        let published = crate::publish::current_release(&out);
        let served = site.state().release.clone();
        if !asked && (published.as_ref() == Some(&served) || published == failed) {
            continue;
        }
        tracing::info!(
            release = published.as_deref().unwrap_or("none"),
            "opening the release published"
        );
        failed = match swap(&site, Arc::clone(&reopen), "release").await {
            true => None,
            false => published,
        };
    }
}

/// Makes the next state with `make` (on a blocking thread, given the state
/// being served) and serves it; logs a failure, saying that the previous
/// `what` is still served. Whether the site was replaced.
async fn swap<F>(site: &Site, make: Arc<F>, what: &str) -> bool
where
    F: Fn(&AppState) -> anyhow::Result<AppState> + Send + Sync + 'static,
{
    let current = site.state();
    match tokio::task::spawn_blocking(move || make(&current)).await {
        Ok(Ok(state)) => {
            let (release, triples) = (state.release.clone(), state.triples.quads);
            site.replace(state);
            tracing::info!(release, triples, "reloaded");
            true
        }
        Ok(Err(e)) => {
            tracing::error!(
                "reload failed, still serving the previous {what}: {}",
                one_line(&format!("{e:#}"))
            );
            false
        }
        Err(e) => {
            tracing::error!(error = %e, "reload failed, still serving the previous {what}");
            false
        }
    }
}

/// `text` on one line (a log line per event): its lines joined by spaces.
fn one_line(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}
