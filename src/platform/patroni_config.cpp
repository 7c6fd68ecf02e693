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
         {{"superuser",
           {{"username", credentials.superuser}, {"password", credentials.superuser_password}}},
          {"replication",
           {{"username", credentials.replication_user},
            {"password", credentials.replication_password}}},
          {"rewind",
           {{"username", credentials.superuser}, {"password", credentials.superuser_password}}}}},
        {"parameters",
         {// No Unix socket: Debian's default directory is not the service user's.
          {"unix_socket_directories", ""},
          {"logging_collector", "on"},
          {"log_directory", "log"},
          {"archive_command", PgBackRestArchiveCommand(topology, member)}}},
        {"pg_hba",
         json::array(
             {"host replication " + credentials.replication_user + " " + network + " scram-sha-256",
              "host all " + credentials.superuser + " " + network + " scram-sha-256",
              // Tenants' login roles, each confined to its own database by CONNECT.
              "host all all " + network + " scram-sha-256"})}}},
      {"watchdog", {{"mode", "off"}}},
      {"tags",
       {{"nofailover", false}, {"noloadbalance", false}, {"clonefrom", false}, {"nosync", false}}},
  };
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
         {{"restore_command", PgBackRestRestoreCommand(topology, restore_repo)},
          {"recovery_target_timeline", "latest"}}}};
  }
  return doc.dump(2) + "\n";
}

std::string RenderEtcdConfig(const ClusterTopology& topology) {
  using nlohmann::json;
  const std::string client = topology.EtcdClientUrl();
  const std::string peer =
      "http://" + topology.address + ":" + std::to_string(topology.etcd_peer_port);
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
  return doc.dump(2) + "\n";
}

}  // namespace citadel::platform
