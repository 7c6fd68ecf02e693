// The server's configuration: defaults, overridden by the `--config` TOML file,
// overridden by command-line flags (in src/cli). Every limit the edge enforces
// lives here, so an operator sees them all in one place (docs/config.md).
//
// A plain value; loading is a pure function of the file's text.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/ip_network.hpp"
#include "core/result.hpp"

namespace citadel::core {

struct LimitsConfig {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  // Per-route body limits, by exact path, overriding max_body_bytes.
  std::map<std::string, std::size_t> route_body_bytes;
  int request_timeout_seconds = 30;   // a whole request must arrive within this (slowloris)
  int idle_timeout_seconds = 60;      // a kept-alive connection with no request is closed
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_ip = 64;
  double requests_per_second_per_ip = 50;
  double request_burst_per_ip = 100;
  std::vector<IpNetwork> allow;            // exempt from the per-IP limits
  std::vector<IpNetwork> trusted_proxies;  // whose X-Forwarded-For is believed
  // Failed sign-ins from one source across all tenants before the edge
  // blocks it (0: never), in a window; the block doubles each time, capped.
  int edge_block_failures = 100;
  int edge_block_window_seconds = 600;
  int edge_block_first_seconds = 60;
  int edge_block_max_seconds = 86'400;
};

struct DatabaseConfig {
  std::string pg_dsn;  // empty: the embedded cluster under data_dir
  std::string pg_bin_dir = "/usr/lib/postgresql/15/bin";
  int max_connections_total = 80;     // Citadel's share of PostgreSQL's max_connections
  int max_connections_per_tenant = 10;
  int pool_idle_seconds = 60;         // an idle connection is closed after this
  int acquire_timeout_ms = 5000;
  int worker_threads = 16;            // threads that wait on PostgreSQL for requests
  int workers_running = 0;            // of them, running calls at once before others wait; 0: one per core
  int worker_wait_ms = 2;             // a call waiting this long gets a thread anyway
  int worker_queue = 1024;
};

// [backup]: the daily backups `citadel serve` runs (platform/backup_scheduler.hpp).
struct BackupConfig {
  bool scheduled = true;          // false: only `citadel backup create` makes backups
  int window_start_hour = 1;      // UTC
  int window_hours = 4;
  int keep_daily = 7;             // grandfather-father-son retention
  int keep_weekly = 4;
  int keep_monthly = 3;
  std::string master_key_file;    // empty: <data_dir>/master.key (or CITADEL_MASTER_KEY)
  // A site that could not take a backup's copy (down, full) gets it again
  // from another site's copy, this many times, waiting first this long,
  // then twice as long each time (at most a minute).
  int copy_retries = 3;
  int copy_retry_delay_ms = 5000;
  // Retention per tenant plan, [backup.plan.NAME] (1 to 40 of [a-z0-9_-]):
  // a tenant whose plan is named here keeps these; any other tenant keeps
  // keep_* above (`citadel tenant set-plan`).
  struct PlanRetention {
    int keep_daily = 7;
    int keep_weekly = 4;
    int keep_monthly = 3;
  };
  std::map<std::string, PlanRetention> plans;
  // citadel.backup (the tenant admin's API): whether restore_beside may make
  // a new tenant (off: the operator does it), and how many downloads of
  // backups run at once on this server.
  bool customer_restore_beside = false;
  int max_downloads = 4;
};

// [mail]: the SMTP relay Citadel sends its own e-mails through (password
// reset links; core/smtp_sender.hpp). host empty: no mail is sent.
struct MailConfig {
  std::string host;
  int port = 587;
  std::string from;              // the envelope and From: address, "erp@example.com"
  std::string username;          // empty: no AUTH
  std::string password;
  bool starttls = true;          // required unless turned off (a relay on loopback)
  std::string ca_file;           // empty: the system's CAs verify the relay
  int timeout_seconds = 30;      // a whole conversation, connect included
  // The start of links in e-mails; empty: https://<public_host>[:<https_port>].
  std::string link_base_url;
};

// [cluster]: a Patroni-managed primary and streaming standbys with etcd
// (platform/cluster_topology.hpp, docs/ha.md). Off: the embedded single
// PostgreSQL, or [database] pg_dsn.
struct ClusterConfig {
  bool ha = false;
  bool synchronous = true;        // mode = "synchronous" | "asynchronous"
  int members = 2;                // PostgreSQL members: one primary, members - 1 standbys
  std::string listen = "127.0.0.1";  // every member, etcd and Patroni's REST API
  int base_port = 54320;          // the port plan starts here (docs/ha.md)
  int ttl = 7;                    // Patroni: seconds the leader key lives unrenewed
  int loop_wait = 1;              // seconds between Patroni's HA cycles
  int retry_timeout = 3;          // seconds Patroni retries etcd and PostgreSQL
  std::string name = "citadel";   // Patroni's scope: the cluster's name in etcd
  // Mid-failover, opening a connection waits up to this long for Patroni to
  // name a healthy primary instead of failing the call (0: fail at once).
  int primary_wait_seconds = 15;
  // Continuous archiving with pgBackRest (docs/ha.md): a WAL segment is
  // archived at least every archive_timeout seconds, which bounds the RPO
  // after a lost site. Repository 1 is <data dir>/ha/pgbackrest/repo1;
  // repository 2 is archive_repo2_path (another disk or site's mount; empty:
  // <data dir>/ha/pgbackrest/repo2).
  int archive_timeout = 60;
  std::string archive_repo2_path;
  // Repository 2 on a repository host over SSH (pgBackRest's repo-host
  // mode, docs/ha.md): empty host keeps it a local directory. When set,
  // archive_repo2_path is the path on that host (default /var/lib/pgbackrest),
  // the host's pgbackrest owns it and holds its passphrase; the service user
  // logs in with repo2_ssh_key, the host's key pinned in repo2_known_hosts
  // (StrictHostKeyChecking=yes, never trust-on-first-use).
  std::string repo2_host;
  std::string repo2_host_user = "pgbackrest";
  int repo2_host_port = 22;
  std::string repo2_host_config = "/etc/pgbackrest/pgbackrest.conf";  // on the repository host
  std::string repo2_host_cmd = "/usr/bin/pgbackrest";                 // on the repository host
  std::string repo2_ssh_key;       // private key the service user logs in with
  std::string repo2_known_hosts;   // known_hosts file holding the host's key
  // repo2's backups run on the repository host (pgBackRest 2.45 backs up only
  // to a repository local to it): it logs into the database hosts as this
  // account on this port (empty: the service user's name).
  std::string repo2_pg_host_user;
  int repo2_pg_host_port = 22;
  // cmd-ssh in the repository host's rendered configuration (empty: ssh from
  // its PATH, configured by its ~/.ssh).
  std::string repo2_host_cmd_ssh;
  // `cluster run` takes pgBackRest backups itself (false: the operator's cron
  // runs `pgbackrest backup`, docs/ha.md); archiving runs either way.
  bool scheduled_backups = true;
  int backup_incremental_hours = 24;  // `cluster run` takes an incremental backup this often
  int backup_full_days = 7;           // and a full one this often
  // TLS between the cluster's parts (docs/ha.md): PostgreSQL (replication,
  // Citadel's and pgBackRest's libpq), etcd's clients and peers, Patroni's
  // REST API. "auto": on unless `listen` is a loopback address; "on"; "off"
  // (refused for a non-loopback `listen`). Certificates from a cluster CA that
  // `cluster init --ha` makes under <data dir>/ha/tls, or the operator's:
  // tls_ca_file, tls_cert_file, tls_key_file (all three or none; the
  // certificate certifies `listen`, serverAuth and clientAuth).
  std::string tls = "auto";
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  // Whether TLS is on for this cluster (tls and listen resolved).
  bool TlsEnabled() const;
};

struct ServerConfig {
  std::string data_dir;
  std::string listen = "127.0.0.1";
  int https_port = 8443;
  int http_port = 8080;  // 0 disables the redirecting plain-HTTP listener
  std::string metrics_listen = "127.0.0.1";
  int metrics_port = 9464;  // 0 disables /metrics
  int io_threads = 0;       // 0: one per core
  std::string public_host = "localhost";  // the host name printed and certified
  std::string tls_cert;  // empty: a certificate from the local CA
  std::string tls_key;
  std::string log_level = "info";
  std::uint32_t pbkdf2_rounds = 600'000;
  int hash_threads = 0;     // 0: one less than the cores, at least 1
  int hash_queue = 256;
  int hsts_max_age_seconds = 31'536'000;
  // Odoo's list_db: whether the API's db.list and db.db_exist answer. Off:
  // anyone could otherwise probe for customers' names.
  bool list_db = false;
  // Support staff may open a read-only grant themselves, citing a ticket
  // reference (docs/support_access.md). Off: only a tenant's admin opens one.
  bool support_staff_may_open_grants = false;
  // When set ("erp.example.com"), a request whose Host is
  // "<tenant>.erp.example.com" is for that tenant where the API lets the
  // tenant be implied (JSON-2 without X-Odoo-Database). Empty: never.
  std::string tenant_domain;
  // Web sessions end after this long unused, and this long after sign-in.
  int session_idle_hours = 24 * 7;
  int session_max_age_hours = 24 * 30;
  DatabaseConfig database;
  LimitsConfig limits;
  BackupConfig backup;
  MailConfig mail;
  ClusterConfig cluster;
};

// Parses TOML text over `base` (the defaults, or what was already loaded).
// Unknown keys are errors: a misspelt limit must not be silently ignored.
Result<ServerConfig> ParseConfigToml(const std::string& text, ServerConfig base = {});

// The default data directory: $CITADEL_DATA_DIR, else /var/lib/citadel as
// root, else $HOME/.local/share/citadel.
std::string DefaultDataDir();

}  // namespace citadel::core
