//! The HTTP server (axum on tokio). [`state`] holds what the handlers
//! share (the settings, and the release prepared once below them);
//! [`router`] maps the routes to the handlers and puts every answer through
//! the same layers; [`serve`] accepts the connections. The handlers, one
//! module each: the SPARQL endpoint ([`endpoint`], evaluated by
//! `evaluate`), the Linked Data documents and the home page
//! (`linked_data`), the pages for readers (`pages`, `query_page`), the
//! fragments, the change feed (`ldes`) and its mementos (`memento`), the
//! downloads, health and metrics, what crawlers read (`crawl`) and the
//! static files.

mod cache;
mod crawl;
pub mod downloads;
mod encoding;
pub mod endpoint;
pub mod error;
mod evaluate;
mod fair_use;
mod fragments;
mod health;
mod ldes;
mod linked_data;
mod memento;
mod metrics;
pub mod negotiate;
mod origin;
mod pages;
mod query_page;
mod reload;
mod router;
mod serve;
mod service_description;
mod solutions_writer;
mod state;
mod static_files;
mod streaming;

pub use linked_data::unknown_address;
pub use reload::{Site, follow_release, reload_on_hangup};
pub use router::{QueryHash, router};
pub use serve::{serve, shutdown_signal};
pub use state::{AppState, Config, Shared};
pub use static_files::STATIC_FILES;
