#include "core/config.hpp"

#include <cstdlib>
#include <set>
#include <arpa/inet.h>
#include <unistd.h>

#include <toml++/toml.h>

namespace citadel::core {
namespace {

// Reads tables strictly: every key must be claimed, or the load fails.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string path) : table_(table), path_(std::move(path)) {}

  template <class T>
  void Integer(const char* key, T& out, std::int64_t min, std::int64_t max) {
    claimed_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    // Only true integers: toml++'s float-to-integer conversion of a huge float
    // (9e43) is undefined behaviour (found by fuzz_config_toml).
    const auto* integer = node->as_integer();
    if (!integer || integer->get() < min || integer->get() > max) {
      Error(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return;
    }
    out = static_cast<T>(integer->get());
  }
  void Number(const char* key, double& out, double min, double max) {
    claimed_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    auto v = node->value<double>();
    if (!v || *v < min || *v > max) {
      Error(key, "a number from " + std::to_string(min) + " to " + std::to_string(max));
      return;
    }
    out = *v;
  }
  void Text(const char* key, std::string& out) {
    claimed_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    auto v = node->value<std::string>();
    if (!v || v->size() > 4096) return Error(key, "a string");
    out = *v;
  }
  void Boolean(const char* key, bool& out) {
    claimed_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    auto v = node->value<bool>();
    if (!v || !node->is_boolean()) return Error(key, "true or false");
    out = *v;
  }
  void Networks(const char* key, std::vector<IpNetwork>& out) {
    claimed_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    const toml::array* arr = node->as_array();
    if (!arr) return Error(key, "an array of networks such as \"10.0.0.0/8\"");
    out.clear();
    for (const auto& item : *arr) {
      auto text = item.value<std::string>();
      auto net = text ? IpNetwork::Parse(*text) : std::nullopt;
      if (!net) return Error(key, "an array of networks such as \"10.0.0.0/8\"");
      out.push_back(*net);
    }
  }
  const toml::table* SubTable(const char* key) {
    claimed_.insert(key);
    const toml::node* node = table_.get(key);
    return node ? node->as_table() : nullptr;
  }
  void RejectUnknown() {
    for (const auto& [k, v] : table_) {
      if (!claimed_.count(std::string(k.str()))) {
        errors_.push_back(path_ + std::string(k.str()) + ": unknown setting");
      }
    }
  }
  std::vector<std::string>& errors() { return errors_; }

 private:
  void Error(const char* key, const std::string& expected) {
    errors_.push_back(path_ + key + ": expected " + expected);
  }
  const toml::table& table_;
  std::string path_;
  std::set<std::string> claimed_;
  std::vector<std::string> errors_;
};

bool IsClusterName(const std::string& name) {
  if (name.empty() || name.size() > 40) return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  }
  return true;
}

// A retention plan's name ([backup.plan.NAME]; tenants name it in the catalog).
bool IsPlanName(const std::string& name) {
  if (name.empty() || name.size() > 40) return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) return false;
  }
  return true;
}

// [cluster] repo2_host: a DNS name or IPv4 address, never an ssh option.
bool IsRepoHostName(const std::string& host) {
  if (host.empty() || host.size() > 253 || host.front() == '-' || host.front() == '.') return false;
  for (char ch : host) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '-' || ch == '.'))
      return false;
  }
  return true;
}

// A POSIX account name as useradd takes it (no '@', no ssh option).
bool IsAccountName(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) return false;
  }
  return true;
}

// Absolute, only [A-Za-z0-9/._-]: inert in a shell, an INI line and ssh_config.
bool IsInertPath(const std::string& path) {
  if (path.empty() || path.front() != '/') return false;
  for (char ch : path) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '/' || ch == '.' || ch == '_' || ch == '-'))
      return false;
  }
  return true;
}

bool IsIpv4Address(const std::string& text) {
  in_addr address{};
  return text.size() <= 15 && ::inet_pton(AF_INET, text.c_str(), &address) == 1;
}

// 127.0.0.0/8: traffic that never leaves the host.
bool IsLoopbackIpv4(const std::string& text) {
  in_addr address{};
  return ::inet_pton(AF_INET, text.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

void Merge(std::vector<std::string>& into, TableReader& reader) {
  reader.RejectUnknown();
  into.insert(into.end(), reader.errors().begin(), reader.errors().end());
}

}  // namespace

bool ClusterConfig::TlsEnabled() const {
  if (tls == "on") return true;
  if (tls == "off") return false;
  return !IsLoopbackIpv4(listen);
}

Result<ServerConfig> ParseConfigToml(const std::string& text, ServerConfig c) {
  if (text.size() > 1024 * 1024) return Fail(ErrorCode::kInvalidArgument, "config file over 1 MiB");
  // Debian's toml++ is built with exceptions; they stay inside this function.
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& err) {
    return Fail(ErrorCode::kInvalidArgument,
                "config line " + std::to_string(err.source().begin.line) + ": " +
                    std::string(err.description()));
  }
  std::vector<std::string> errors;
  TableReader top(root, "");
  if (const toml::table* t = top.SubTable("server")) {
    TableReader r(*t, "server.");
    r.Text("data_dir", c.data_dir);
    r.Text("listen", c.listen);
    r.Integer("https_port", c.https_port, 1, 65535);
    r.Integer("http_port", c.http_port, 0, 65535);
    r.Text("metrics_listen", c.metrics_listen);
    r.Integer("metrics_port", c.metrics_port, 0, 65535);
    r.Integer("io_threads", c.io_threads, 0, 256);
    r.Text("public_host", c.public_host);
    r.Text("tls_cert", c.tls_cert);
    r.Text("tls_key", c.tls_key);
    r.Text("log_level", c.log_level);
    r.Integer("pbkdf2_rounds", c.pbkdf2_rounds, 1, 100'000'000);
    r.Integer("hash_threads", c.hash_threads, 0, 256);
    r.Integer("hash_queue", c.hash_queue, 1, 1'000'000);
    r.Integer("hsts_max_age_seconds", c.hsts_max_age_seconds, 15'552'000, 63'072'000);
    r.Boolean("list_db", c.list_db);
    r.Boolean("support_staff_may_open_grants", c.support_staff_may_open_grants);
    r.Text("tenant_domain", c.tenant_domain);
    r.Integer("session_idle_hours", c.session_idle_hours, 1, 24 * 366);
    r.Integer("session_max_age_hours", c.session_max_age_hours, 1, 24 * 366);
    Merge(errors, r);
  }
  if (const toml::table* t = top.SubTable("database")) {
    TableReader r(*t, "database.");
    auto& d = c.database;
    r.Text("pg_dsn", d.pg_dsn);
    r.Text("pg_bin_dir", d.pg_bin_dir);
    r.Integer("max_connections_total", d.max_connections_total, 1, 10'000);
    r.Integer("max_connections_per_tenant", d.max_connections_per_tenant, 1, 1'000);
    r.Integer("pool_idle_seconds", d.pool_idle_seconds, 1, 86'400);
    r.Integer("acquire_timeout_ms", d.acquire_timeout_ms, 1, 600'000);
    r.Integer("worker_threads", d.worker_threads, 1, 1'024);
    r.Integer("workers_running", d.workers_running, 0, 1'024);
    r.Integer("worker_wait_ms", d.worker_wait_ms, 1, 60'000);
    r.Integer("worker_queue", d.worker_queue, 1, 1'000'000);
    Merge(errors, r);
  }
  if (const toml::table* t = top.SubTable("limits")) {
    TableReader r(*t, "limits.");
    auto& l = c.limits;
    r.Integer("max_header_bytes", l.max_header_bytes, 1024, 1024 * 1024);
    r.Integer("max_body_bytes", l.max_body_bytes, 0, std::int64_t{1} << 32);
    r.Integer("request_timeout_seconds", l.request_timeout_seconds, 1, 3600);
    r.Integer("idle_timeout_seconds", l.idle_timeout_seconds, 1, 3600);
    r.Integer("max_connections", l.max_connections, 1, 1'000'000);
    r.Integer("max_connections_per_ip", l.max_connections_per_ip, 1, 1'000'000);
    r.Number("requests_per_second_per_ip", l.requests_per_second_per_ip, 0.001, 1e9);
    r.Number("request_burst_per_ip", l.request_burst_per_ip, 1, 1e9);
    r.Integer("edge_block_failures", l.edge_block_failures, 0, 1'000'000);
    r.Integer("edge_block_window_seconds", l.edge_block_window_seconds, 1, 86'400);
    r.Integer("edge_block_first_seconds", l.edge_block_first_seconds, 1, 86'400);
    r.Integer("edge_block_max_seconds", l.edge_block_max_seconds, 1, 30 * 86'400);
    r.Networks("allow", l.allow);
    r.Networks("trusted_proxies", l.trusted_proxies);
    if (const toml::table* routes = r.SubTable("route_body_bytes")) {
      for (const auto& [path, node] : *routes) {
        auto v = node.is_integer() ? std::optional<std::int64_t>(node.as_integer()->get())
                                   : std::nullopt;
        if (!v || *v < 0 || path.str().empty() || path.str()[0] != '/') {
          errors.push_back("limits.route_body_bytes." + std::string(path.str()) +
                           ": expected a path starting with / and a byte count");
          continue;
        }
        l.route_body_bytes[std::string(path.str())] = static_cast<std::size_t>(*v);
      }
    }
    Merge(errors, r);
  }
  if (const toml::table* t = top.SubTable("backup")) {
    TableReader r(*t, "backup.");
    auto& b = c.backup;
    r.Boolean("scheduled", b.scheduled);
    r.Integer("window_start_hour", b.window_start_hour, 0, 23);
    r.Integer("window_hours", b.window_hours, 1, 24);
    r.Integer("keep_daily", b.keep_daily, 1, 60);
    r.Integer("keep_weekly", b.keep_weekly, 0, 52);
    r.Integer("keep_monthly", b.keep_monthly, 0, 120);
    r.Text("master_key_file", b.master_key_file);
    r.Integer("copy_retries", b.copy_retries, 0, 10);
    r.Integer("copy_retry_delay_ms", b.copy_retry_delay_ms, 0, 600000);
    r.Boolean("customer_restore_beside", b.customer_restore_beside);
    r.Integer("max_downloads", b.max_downloads, 1, 64);
    const toml::table* plans = r.SubTable("plan");
    if (!plans && t->get("plan") != nullptr) errors.push_back("backup.plan: expected tables [backup.plan.NAME]");
    if (plans != nullptr) {
      for (const auto& [name, node] : *plans) {
        const std::string plan(name.str());
        const toml::table* keep = node.as_table();
        if (!keep || !IsPlanName(plan)) {
          errors.push_back("backup.plan." + plan + ": expected a table named by 1 to 40 of [a-z0-9_-]");
          continue;
        }
        TableReader p(*keep, "backup.plan." + plan + ".");
        BackupConfig::PlanRetention retention{b.keep_daily, b.keep_weekly, b.keep_monthly};
        p.Integer("keep_daily", retention.keep_daily, 1, 60);
        p.Integer("keep_weekly", retention.keep_weekly, 0, 52);
        p.Integer("keep_monthly", retention.keep_monthly, 0, 120);
        Merge(errors, p);
        b.plans[plan] = retention;
      }
    }
    Merge(errors, r);
  }
  if (const toml::table* t = top.SubTable("cluster")) {
    TableReader r(*t, "cluster.");
    auto& k = c.cluster;
    r.Boolean("ha", k.ha);
    std::string mode = k.synchronous ? "synchronous" : "asynchronous";
    r.Text("mode", mode);
    if (mode != "synchronous" && mode != "asynchronous") {
      errors.push_back("cluster.mode: expected \"synchronous\" or \"asynchronous\"");
    }
    k.synchronous = mode == "synchronous";
    r.Integer("members", k.members, 2, 9);
    r.Text("listen", k.listen);
    r.Integer("base_port", k.base_port, 1024, 65000);
    r.Integer("ttl", k.ttl, 5, 300);
    r.Integer("loop_wait", k.loop_wait, 1, 60);
    r.Integer("retry_timeout", k.retry_timeout, 1, 120);
    r.Text("name", k.name);
    r.Integer("primary_wait_seconds", k.primary_wait_seconds, 0, 120);
    r.Integer("archive_timeout", k.archive_timeout, 1, 3600);
    r.Text("archive_repo2_path", k.archive_repo2_path);
    r.Text("repo2_host", k.repo2_host);
    r.Text("repo2_host_user", k.repo2_host_user);
    r.Integer("repo2_host_port", k.repo2_host_port, 1, 65535);
    r.Text("repo2_host_config", k.repo2_host_config);
    r.Text("repo2_host_cmd", k.repo2_host_cmd);
    r.Text("repo2_ssh_key", k.repo2_ssh_key);
    r.Text("repo2_known_hosts", k.repo2_known_hosts);
    r.Text("repo2_pg_host_user", k.repo2_pg_host_user);
    r.Integer("repo2_pg_host_port", k.repo2_pg_host_port, 1, 65535);
    r.Text("repo2_host_cmd_ssh", k.repo2_host_cmd_ssh);
    r.Boolean("scheduled_backups", k.scheduled_backups);
    r.Integer("backup_incremental_hours", k.backup_incremental_hours, 1, 24 * 31);
    r.Integer("backup_full_days", k.backup_full_days, 1, 366);
    r.Text("tls", k.tls);
    r.Text("tls_ca_file", k.tls_ca_file);
    r.Text("tls_cert_file", k.tls_cert_file);
    r.Text("tls_key_file", k.tls_key_file);
    if (k.tls != "auto" && k.tls != "on" && k.tls != "off") {
      errors.push_back("cluster.tls: expected \"auto\", \"on\" or \"off\"");
    } else if (k.tls == "off" && IsIpv4Address(k.listen) && !IsLoopbackIpv4(k.listen)) {
      // Members on other hosts would send passwords and data in clear.
      errors.push_back("cluster.tls: \"off\" is accepted only with a loopback listen address");
    }
    {
      const int given = !k.tls_ca_file.empty() + !k.tls_cert_file.empty() + !k.tls_key_file.empty();
      if (given != 0 && given != 3)
        errors.push_back("cluster.tls_ca_file, tls_cert_file, tls_key_file: give all three or none");
      for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"tls_ca_file", &k.tls_ca_file},
                                       {"tls_cert_file", &k.tls_cert_file},
                                       {"tls_key_file", &k.tls_key_file}}) {
        if (!value->empty() && !IsInertPath(*value))
          errors.push_back(std::string("cluster.") + key +
                           ": expected an absolute path of letters, digits, '/', '.', '_' and '-'");
      }
    }
    // Written into pgBackRest's configuration file: one absolute path, one line.
    if (!k.archive_repo2_path.empty() &&
        (k.archive_repo2_path.front() != '/' ||
         k.archive_repo2_path.find_first_of("\n\r=") != std::string::npos)) {
      errors.push_back("cluster.archive_repo2_path: expected an absolute path without '=' or line breaks");
    }
    // The repository host's settings go into pgBackRest's INI files, an ssh
    // configuration and ssh's command line: plain names and inert paths only.
    if (!k.repo2_host.empty()) {
      if (!IsRepoHostName(k.repo2_host))
        errors.push_back("cluster.repo2_host: expected a host name or IPv4 address");
      for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"repo2_host_user", &k.repo2_host_user},
                                       {"repo2_pg_host_user", &k.repo2_pg_host_user}}) {
        if ((key == std::string("repo2_host_user") || !value->empty()) && !IsAccountName(*value))
          errors.push_back(std::string("cluster.") + key + ": expected an account name ([a-z_][a-z0-9_-]*)");
      }
      for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"repo2_host_config", &k.repo2_host_config},
                                       {"repo2_host_cmd", &k.repo2_host_cmd},
                                       {"repo2_ssh_key", &k.repo2_ssh_key},
                                       {"repo2_known_hosts", &k.repo2_known_hosts}}) {
        if (!IsInertPath(*value))
          errors.push_back(std::string("cluster.") + key +
                           ": expected an absolute path of letters, digits, '/', '.', '_' and '-' "
                           "(required with repo2_host)");
      }
      if (!k.repo2_host_cmd_ssh.empty() && !IsInertPath(k.repo2_host_cmd_ssh))
        errors.push_back("cluster.repo2_host_cmd_ssh: expected an absolute path of letters, digits, '/', '.', '_' and '-'");
      if (!k.archive_repo2_path.empty() && !IsInertPath(k.archive_repo2_path))
        errors.push_back("cluster.archive_repo2_path: on a repository host, an absolute path of letters, digits, '/', '.', '_' and '-'");
    }
    // Both go into Patroni's and etcd's files and URLs: only plain values.
    if (!IsClusterName(k.name)) errors.push_back("cluster.name: expected 1 to 40 of [a-z0-9-]");
    if (!IsIpv4Address(k.listen)) errors.push_back("cluster.listen: expected an IPv4 address");
    // Patroni's own rule: a leader must be able to renew its key, retrying
    // etcd twice, within one ttl; otherwise it demotes itself while healthy.
    if (k.loop_wait + 2 * k.retry_timeout > k.ttl) {
      errors.push_back("cluster: loop_wait + 2 * retry_timeout must not exceed ttl");
    }
    Merge(errors, r);
  }
  if (const toml::table* t = top.SubTable("mail")) {
    TableReader r(*t, "mail.");
    auto& m = c.mail;
    r.Text("host", m.host);
    r.Integer("port", m.port, 1, 65535);
    r.Text("from", m.from);
    r.Text("username", m.username);
    r.Text("password", m.password);
    r.Boolean("starttls", m.starttls);
    r.Text("ca_file", m.ca_file);
    r.Integer("timeout_seconds", m.timeout_seconds, 1, 600);
    r.Text("link_base_url", m.link_base_url);
    if (!m.host.empty() && m.from.empty()) errors.push_back("mail.from: required when mail.host is set");
    Merge(errors, r);
  }
  Merge(errors, top);
  if (!errors.empty()) {
    std::string message = "invalid config:";
    for (const auto& e : errors) message += "\n  " + e;
    return Fail(ErrorCode::kInvalidArgument, message);
  }
  return c;
}

std::string DefaultDataDir() {
  if (const char* env = std::getenv("CITADEL_DATA_DIR"); env && *env) return env;
  if (::geteuid() == 0) return "/var/lib/citadel";
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.local/share/citadel";
  }
  return "./citadel-data";
}

}  // namespace citadel::core
