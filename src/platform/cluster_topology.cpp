#include "platform/cluster_topology.hpp"

namespace citadel::platform {

std::string ClusterTopology::EtcdClientUrl() const {
  return std::string(tls.enabled ? "https://" : "http://") + address + ":" + std::to_string(etcd_client_port);
}

ClusterTopology MakeClusterTopology(const core::ClusterConfig& config,
                                    const std::string& data_dir) {
  ClusterTopology t;
  t.scope = config.name;
  t.address = config.listen;
  t.ha_dir = data_dir + "/ha";
  t.etcd_dir = t.ha_dir + "/etcd";
  t.etcd_client_port = config.base_port;
  t.etcd_peer_port = config.base_port + 1;
  t.pgbackrest_dir = t.ha_dir + "/pgbackrest";
  t.tls.enabled = config.TlsEnabled();
  t.tls.dir = t.ha_dir + "/tls";
  t.repo1_path = t.pgbackrest_dir + "/repo1";
  t.repo2_path =
      config.archive_repo2_path.empty() ? t.pgbackrest_dir + "/repo2" : config.archive_repo2_path;
  if (!config.repo2_host.empty()) {
    RepoHostPlan& h = t.repo2_host;
    h.host = config.repo2_host;
    h.user = config.repo2_host_user;
    h.port = config.repo2_host_port;
    h.config = config.repo2_host_config;
    h.cmd = config.repo2_host_cmd;
    h.ssh_key = config.repo2_ssh_key;
    h.known_hosts = config.repo2_known_hosts;
    h.pg_host_user = config.repo2_pg_host_user;
    h.pg_host_port = config.repo2_pg_host_port;
    h.cmd_ssh = config.repo2_host_cmd_ssh;
    // pgBackRest's own default repository path, on that host.
    if (config.archive_repo2_path.empty()) t.repo2_path = "/var/lib/pgbackrest";
  }
  for (int i = 0; i < config.members; ++i) {
    ClusterMemberPlan m;
    m.name = "member-" + std::to_string(i);
    m.dir = t.ha_dir + "/" + m.name;
    m.pgdata = m.dir + "/data";
    m.postgres_port = config.base_port + 10 + i;
    m.rest_port = config.base_port + 20 + i;
    t.members.push_back(std::move(m));
  }
  return t;
}

}  // namespace citadel::platform
