#include "platform/cluster_topology.hpp"

namespace citadel::platform {

std::string ClusterTopology::EtcdClientUrl() const {
  return "http://" + address + ":" + std::to_string(etcd_client_port);
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
  t.repo1_path = t.pgbackrest_dir + "/repo1";
  t.repo2_path =
      config.archive_repo2_path.empty() ? t.pgbackrest_dir + "/repo2" : config.archive_repo2_path;
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
