//! `--prometheus ADDR`: the live counters in Prometheus's text exposition format on `GET /metrics`
//! while the run lasts, so Prometheus (and Grafana over it) can follow a long run. The listener is
//! bound before anything connects, so a bad address fails the run at once.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::counters::Counters;

/// A request head larger than this is refused: a scrape is one short line and a few headers.
const MAX_HEAD: usize = 8 * 1024;
/// A client that sends no complete request head in this time is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `/metrics` until dropped.
pub struct Exporter {
    task: JoinHandle<()>,
    /// Where it listens (the port chosen when ADDR gave port 0).
    pub addr: SocketAddr,
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds `addr` and serves the counters from it.
pub async fn serve(addr: SocketAddr, counters: Arc<Counters>) -> std::io::Result<Exporter> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        loop {
            // A failed accept (out of files, say) must not end the exporter; the next may work.
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            };
            tokio::spawn(answer(stream, counters.clone()));
        }
    });
    Ok(Exporter { task, addr })
}

/// Reads one request head and answers it: the metrics for `GET /metrics`, 404 or 405 otherwise.
async fn answer(mut stream: TcpStream, counters: Arc<Counters>) {
    let mut head = Vec::with_capacity(512);
    let read = tokio::time::timeout(READ_TIMEOUT, async {
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        true
    })
    .await;
    if !matches!(read, Ok(true)) {
        return;
    }
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let mut parts = line.split(|&b| b == b' ');
    let (method, target) = (parts.next().unwrap_or_default(), parts.next());
    let path = target.map(|t| t.split(|&b| b == b'?').next().unwrap_or_default());
    let response = match (method, path) {
        (b"GET", Some(b"/metrics")) => response(
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            &render(&counters),
        ),
        (b"GET", _) => response("404 Not Found", "text/plain", "try /metrics\n"),
        _ => response("405 Method Not Allowed", "text/plain", "GET only\n"),
    };
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The counters in the text exposition format.
pub fn render(counters: &Counters) -> String {
    let mut out = String::new();
    for (name, kind, help, value) in [
        (
            "mqtk_bench_sent_total",
            "counter",
            "Messages published.",
            &counters.sent,
        ),
        (
            "mqtk_bench_acked_total",
            "counter",
            "Messages acknowledged (QoS 1 and 2); QoS 0 ones count once all are written.",
            &counters.acked,
        ),
        (
            "mqtk_bench_received_total",
            "counter",
            "Messages received by all subscribers.",
            &counters.received,
        ),
        (
            "mqtk_bench_connections",
            "gauge",
            "Connections open (bench conn).",
            &counters.connected,
        ),
    ] {
        let value = value.load(Ordering::Relaxed);
        let _ = write!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_text_format() {
        let c = Counters::default();
        c.sent.store(7, Ordering::Relaxed);
        c.received.store(5, Ordering::Relaxed);
        let text = render(&c);
        assert!(text.contains("# TYPE mqtk_bench_sent_total counter\nmqtk_bench_sent_total 7\n"));
        assert!(text.contains("mqtk_bench_received_total 5\n"));
        assert!(text.contains("# TYPE mqtk_bench_connections gauge\nmqtk_bench_connections 0\n"));
        assert!(text.ends_with('\n'));
    }
}
