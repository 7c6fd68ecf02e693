#include "platform/patroni_config.hpp"

#include <nlohmann/json.hpp>

#include "platform/pgbackrest_config.hpp"

namespace citadel::platform {

std::string RenderPatroniConfig(const core::ClusterConfig& config, const ClusterTopology& topology,
                                const ClusterMemberPlan& member,
                                const ClusterCredentials& credentials,
                                const std::string& pg_bin_dir, int restore_repo) {
  using nlohmann::json;
  const std::string rest = topology.address + ":" + std::to_string(member.rest_port);
  const std::string postgres = topology.address + ":" + std::to_string(member.postgres_port);
  const std::string network = topology.address + "/32";

  // Cluster-wide settings, stored in etcd at bootstrap; the same on every
  // member (max_connections and friends must match between primary and standby).
  json dcs = {
      {"ttl", config.ttl},
      {"loop_wait", config.loop_wait},
      {"retry_timeout", config.retry_timeout},
      // Asynchronous mode: a standby further behind than this is not promoted.
      {"maximum_lag_on_failover", 1048576},
      {"synchronous_mode", config.synchronous},
      // Not strict: a lone survivor accepts writes (it is then the only copy).
      {"synchronous_mode_strict", false},
      {"postgresql",
       {{"use_pg_rewind", true},
        {"use_slots", true},
        {"parameters",
         {{"max_connections", 200},
          {"wal_level", "replica"},
          {"hot_standby", "on"},
          {"wal_log_hints", "on"},
          {"max_wal_senders", 10},
          {"max_replication_slots", 10},
          {"wal_keep_size", "256MB"},
          {"password_encryption", "scram-sha-256"},
          // pgBackRest archives every WAL segment, a partial one after
          // archive_timeout seconds: the RPO after a lost site.
          {"archive_mode", "on"},
          {"archive_timeout", config.archive_timeout}}}}},
  };
  const ClusterTlsPlan& tls = topology.tls;
  // TLS on: only encrypted TCP is admitted (hostssl), and every libpq client
  // Patroni runs (its own sessions, pg_rewind, pg_basebackup, the standbys'
  // primary_conninfo) verifies the member's certificate against the cluster
  // CA and its address (libpq 15 matches IP subjectAltNames).
  const std::string hba_type = tls.enabled ? "hostssl" : "host";
  auto libpq_role = [&](const std::string& user, const std::string& password) {
    json role = {{"username", user}, {"password", password}};
    if (tls.enabled) {
      role["sslmode"] = "verify-full";
      role["sslrootcert"] = tls.CaCertPath();
    }
    return role;
  };
  json doc = {
      {"scope", topology.scope},
      {"namespace", "/citadel/"},
      {"name", member.name},
      {"log", {{"level", "INFO"}}},
      {"restapi",
       {{"listen", rest},
        {"connect_address", rest},
        // Anyone on the host reaches the port: state changes need the password.
        {"authentication",
         {{"username", credentials.rest_user}, {"password", credentials.rest_password}}}}},
      {"etcd3",
       {{"hosts",
         json::array({topology.address + ":" + std::to_string(topology.etcd_client_port)})}}},
      {"bootstrap",
       {{"dcs", dcs},
        {"initdb", json::array({"data-checksums",
                                {{"encoding", "UTF8"}},
                                {{"locale", "C.UTF-8"}},
                                {{"username", credentials.superuser}}})}}},
      {"postgresql",
       {{"listen", postgres},
        {"connect_address", postgres},
        {"data_dir", member.pgdata},
        {"bin_dir", pg_bin_dir},
        {"pgpass", member.dir + "/pgpass"},
        {"authentication",
         {{"superuser", libpq_role(credentials.superuser, credentials.superuser_password)},
          {"replication",
           libpq_role(credentials.replication_user, credentials.replication_password)},
          {"rewind", libpq_role(credentials.superuser, credentials.superuser_password)}}},
        {"parameters",
         {// No Unix socket: Debian's default directory is not the service user's.
          {"unix_socket_directories", ""},
          {"logging_collector", "on"},
          {"log_directory", "log"},
          {"archive_command", PgBackRestArchiveCommand(topology, member)}}},
        {"pg_hba",
         json::array(
             {hba_type + " replication " + credentials.replication_user + " " + network + " scram-sha-256",
              hba_type + " all " + credentials.superuser + " " + network + " scram-sha-256",
              // Tenants' login roles, each confined to its own database by CONNECT.
              hba_type + " all all " + network + " scram-sha-256"})}}},
      {"watchdog", {{"mode", "off"}}},
      {"tags",
       {{"nofailover", false}, {"noloadbalance", false}, {"clonefrom", false}, {"nosync", false}}},
  };
  if (!credentials.etcd_patroni_password.empty()) {
    // etcd's patroni user: read and write under /citadel/ only (etcd_auth.hpp).
    doc["etcd3"]["username"] = ClusterCredentials::kEtcdPatroniUser;
    doc["etcd3"]["password"] = credentials.etcd_patroni_password;
  }
  if (tls.enabled) {
    const std::string cert = tls.CertPath(member.name);
    const std::string key = tls.KeyPath(member.name);
    json& parameters = doc["postgresql"]["parameters"];
    parameters["ssl"] = "on";
    parameters["ssl_cert_file"] = cert;
    parameters["ssl_key_file"] = key;
    parameters["ssl_ca_file"] = tls.CaCertPath();
    parameters["ssl_min_protocol_version"] = "TLSv1.2";
    // HTTPS; clients need no certificate (changes need the password), and
    // Patroni's own calls to the other members verify them against the CA.
    doc["restapi"]["certfile"] = cert;
    doc["restapi"]["keyfile"] = key;
    doc["restapi"]["cafile"] = tls.CaCertPath();
    doc["ctl"] = {{"insecure", false}, {"cacert", tls.CaCertPath()}};
    // HTTPS verified against the cluster CA; Patroni logs in with its etcd
    // user (above). No client certificate: see RenderEtcdConfig.
    doc["etcd3"]["protocol"] = "https";
    doc["etcd3"]["cacert"] = tls.CaCertPath();
  }
  if (restore_repo > 0) {
    // Patroni runs the restore (no --scope/--datadir added), then starts
    // PostgreSQL in recovery from the same repository to its newest WAL and
    // promotes it: the new cluster's first leader.
    const std::string restore = std::string(kPgBackRestBinary) +
                                " --config=" + topology.PgBackRestConfigPath() +
                                " --stanza=" + topology.Stanza() +
                                " --repo=" + std::to_string(restore_repo) +
                                " --pg1-path=" + member.pgdata + " --type=default restore";
    doc["bootstrap"]["method"] = "pgbackrest";
    doc["bootstrap"]["pgbackrest"] = {
        {"command", restore},
        {"no_params", true},
        {"keep_existing_recovery_conf", false},
        {"recovery_conf",
         {{"restore_command", PgBackRestRestoreCommand(topology, member, restore_repo)},
          {"recovery_target_timeline", "latest"}}}};
  }
  return doc.dump(2) + "\n";
}

std::string RenderEtcdConfig(const ClusterTopology& topology) {
  using nlohmann::json;
  const std::string client = topology.EtcdClientUrl();
  const ClusterTlsPlan& tls = topology.tls;
  const std::string peer = std::string(tls.enabled ? "https://" : "http://") + topology.address +
                           ":" + std::to_string(topology.etcd_peer_port);
  const std::string name = topology.scope + "-etcd";
  json doc = {
      {"name", name},
      {"data-dir", topology.etcd_dir},
      {"listen-client-urls", client},
      {"advertise-client-urls", client},
      {"listen-peer-urls", peer},
      {"initial-advertise-peer-urls", peer},
      {"initial-cluster", name + "=" + peer},
      {"initial-cluster-state", "new"},
      {"initial-cluster-token", topology.scope},
      {"enable-v2", false},
      // From a config file, an unset option is Go's zero value, not etcd's
      // default: the gRPC gateway (the HTTP /v3 API Patroni's etcd3 client
      // speaks) would be off, and the timings zero.
      {"enable-grpc-gateway", true},
      {"heartbeat-interval", 100},
      {"election-timeout", 1000},
      {"logger", "zap"},
      {"log-outputs", json::array({"stderr"})},
  };
  if (tls.enabled) {
    // Peers must show a certificate of the cluster CA. Clients must not be
    // asked for one: with client-cert-auth and auth on, etcd 3.4.23's HTTP
    // gateway (what Patroni's etcd3 client speaks) refuses every request
    // without a token, /v3/auth/authenticate included ("CommonName of client
    // sending a request against gateway will be ignored and not used as
    // expected"), so no client could ever log in. Clients are authenticated
    // by etcd's users and passwords (etcd_auth.hpp), over TLS.
    json transport = {{"cert-file", tls.EtcdCertPath()},
                      {"key-file", tls.EtcdKeyPath()},
                      {"trusted-ca-file", tls.CaCertPath()},
                      {"client-cert-auth", true},
                      {"auto-tls", false}};
    doc["peer-transport-security"] = transport;
    // etcd 3.4 asks for client certificates whenever a trusted CA is set.
    transport["client-cert-auth"] = false;
    transport.erase("trusted-ca-file");
    doc["client-transport-security"] = transport;
  }
  return doc.dump(2) + "\n";
}

}  // namespace citadel::platform
