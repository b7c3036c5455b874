//! Fair use of the query time, as Wikidata's query service shares it: each
//! client (its address — or, behind a proxy the operator trusts, the
//! address that proxy forwards — with its `User-Agent`) has a budget of
//! evaluation time per minute. A query spends what it took; a client past
//! its budget is answered `429` with `Retry-After` until its budget has
//! refilled. Answers from the cache cost nothing, light queries what they
//! take: ordinary readers never meet the limit.

use axum::http::{HeaderMap, header};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The period a budget is given for.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Clients remembered at most; past it, those whose budget is whole again
/// are forgotten (they would start with a whole budget anyway).
const MOST_CLIENTS: usize = 100_000;

/// The address of the peer of a connection, as the server accepted it.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddress(pub IpAddr);

/// Who spends a budget: an address and a `User-Agent`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Client {
    address: Option<IpAddr>,
    agent: String,
}

impl Client {
    /// The client of a request from `peer` with `headers`: the peer's
    /// address, or, when the peer is one of the `trusted` proxies, the
    /// nearest address of `X-Forwarded-For` that is not one of them.
    pub fn of(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Self {
        let mut address = peer;
        if peer.is_some_and(|p| trusted.contains(&p)) {
            let forwarded = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .collect::<Vec<_>>();
            if let Some(nearest) = forwarded.iter().rev().find(|a| !trusted.contains(a)) {
                address = Some(*nearest);
            }
        }
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        Self { address, agent }
    }
}

/// What a client may still spend.
#[derive(Debug, Clone, Copy)]
struct Balance {
    /// Seconds of evaluation time left (negative: overspent).
    seconds: f64,
    /// When it was last brought up to date.
    at: Instant,
}

/// The budgets of every client.
pub struct FairUse {
    /// Seconds of evaluation time a client may spend per [`WINDOW`] (zero:
    /// no limit).
    budget: f64,
    balances: Mutex<HashMap<Client, Balance>>,
}

impl FairUse {
    /// Budgets of `budget` evaluation time per minute (zero: no limit).
    pub fn new(budget: Duration) -> Self {
        Self {
            budget: budget.as_secs_f64(),
            balances: Mutex::default(),
        }
    }

    /// Whether `client` may start a query now; if not, how long until its
    /// budget allows one again.
    pub fn admit(&self, client: &Client) -> Result<(), Duration> {
        self.admit_at(client, Instant::now())
    }

    fn admit_at(&self, client: &Client, now: Instant) -> Result<(), Duration> {
        if self.budget <= 0.0 {
            return Ok(());
        }
        let Ok(mut balances) = self.balances.lock() else {
            return Ok(());
        };
        let Some(balance) = balances.get_mut(client) else {
            return Ok(());
        };
        self.refill(balance, now);
        if balance.seconds > 0.0 {
            return Ok(());
        }
        // Until the budget is back above zero, at the refill rate.
        let wait = -balance.seconds / self.rate() + 1.0;
        Err(Duration::from_secs_f64(
            wait.ceil().min(WINDOW.as_secs_f64()),
        ))
    }

    /// Spends `elapsed` from `client`'s budget.
    pub fn spend(&self, client: &Client, elapsed: Duration) {
        self.spend_at(client, elapsed, Instant::now());
    }

    fn spend_at(&self, client: &Client, elapsed: Duration, now: Instant) {
        if self.budget <= 0.0 {
            return;
        }
        let Ok(mut balances) = self.balances.lock() else {
            return;
        };
        if balances.len() >= MOST_CLIENTS && !balances.contains_key(client) {
            let budget = self.budget;
            let rate = self.rate();
            balances
                .retain(|_, b| b.seconds + now.duration_since(b.at).as_secs_f64() * rate < budget);
        }
        let balance = balances.entry(client.clone()).or_insert(Balance {
            seconds: self.budget,
            at: now,
        });
        self.refill(balance, now);
        balance.seconds -= elapsed.as_secs_f64();
    }

    /// Seconds of budget regained per second.
    fn rate(&self) -> f64 {
        self.budget / WINDOW.as_secs_f64()
    }

    fn refill(&self, balance: &mut Balance, now: Instant) {
        let regained = now.duration_since(balance.at).as_secs_f64() * self.rate();
        balance.seconds = (balance.seconds + regained).min(self.budget);
        balance.at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(agent: &str) -> Client {
        Client {
            address: Some(IpAddr::from([127, 0, 0, 1])),
            agent: agent.to_owned(),
        }
    }

    #[test]
    fn a_client_past_its_budget_waits_for_it_to_refill() {
        let fair = FairUse::new(Duration::from_secs(6));
        let (greedy, reader) = (client("greedy"), client("reader"));
        let start = Instant::now();
        assert!(fair.admit_at(&greedy, start).is_ok());
        fair.spend_at(&greedy, Duration::from_secs(4), start);
        assert!(fair.admit_at(&greedy, start).is_ok(), "2 s left");
        fair.spend_at(&greedy, Duration::from_secs(4), start);
        // 2 s overspent, at 0.1 s per second: 20 s, and one more.
        let wait = fair.admit_at(&greedy, start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(21));
        // Another client is not affected.
        assert!(fair.admit_at(&reader, start).is_ok());
        // Once refilled, it is admitted again.
        assert!(
            fair.admit_at(&greedy, start + Duration::from_secs(21))
                .is_ok()
        );
    }

    #[test]
    fn no_budget_means_no_limit() {
        let fair = FairUse::new(Duration::ZERO);
        let greedy = client("greedy");
        fair.spend_at(&greedy, Duration::from_secs(600), Instant::now());
        assert!(fair.admit(&greedy).is_ok());
    }

    #[test]
    fn a_trusted_proxy_forwards_its_client_s_address() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.7, 10.0.0.1".parse().unwrap());
        headers.insert(header::USER_AGENT, "curl/8".parse().unwrap());
        let behind = Client::of(Some(proxy), &headers, &[proxy]);
        assert_eq!(behind.address, "203.0.113.7".parse().ok());
        assert_eq!(behind.agent, "curl/8");
        // An untrusted peer cannot choose its address.
        let direct = Client::of(Some("198.51.100.2".parse().unwrap()), &headers, &[proxy]);
        assert_eq!(direct.address, "198.51.100.2".parse().ok());
    }
}
