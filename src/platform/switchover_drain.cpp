#include "platform/switchover_drain.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "platform/cluster_credentials.hpp"

namespace citadel::platform {
namespace {

constexpr std::size_t kDrainFileLimit = 4096;

std::optional<nlohmann::json> ReadSmallDrainJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(kDrainFileLimit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kDrainFileLimit) return std::nullopt;
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

db::ServiceUser DrainFileOwner() { return db::ServiceUser{}; }  // ourselves

}  // namespace

std::string DrainRequestPath(const ClusterTopology& topology) {
  return topology.ha_dir + "/switchover-drain.json";
}

std::string DrainAckPath(const ClusterTopology& topology) {
  return topology.ha_dir + "/switchover-drained.json";
}

core::Result<DrainRequest> WriteDrainRequest(const ClusterTopology& topology,
                                             std::chrono::system_clock::time_point until) {
  ::unlink(DrainAckPath(topology).c_str());
  DrainRequest request{core::RandomHex(16), until};
  const auto until_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(until.time_since_epoch()).count();
  nlohmann::json doc = {{"id", request.id}, {"until_ms", until_ms}};
  if (auto written = WriteOwnerOnlyFile(DrainRequestPath(topology), doc.dump(), DrainFileOwner());
      !written) {
    return core::Unexpected(written.error());
  }
  return request;
}

std::optional<DrainRequest> ReadDrainRequest(const ClusterTopology& topology) {
  auto j = ReadSmallDrainJson(DrainRequestPath(topology));
  if (!j || !(*j)["id"].is_string() || !(*j)["until_ms"].is_number_integer()) return std::nullopt;
  DrainRequest request;
  request.id = (*j)["id"].get<std::string>();
  if (request.id.empty() || request.id.size() > 64) return std::nullopt;
  request.until = std::chrono::system_clock::time_point(
      std::chrono::milliseconds((*j)["until_ms"].get<long long>()));
  return request;
}

void RemoveDrainRequest(const ClusterTopology& topology) {
  ::unlink(DrainRequestPath(topology).c_str());
  ::unlink(DrainAckPath(topology).c_str());
}

core::Result<void> WriteDrainAck(const ClusterTopology& topology, const std::string& id) {
  return WriteOwnerOnlyFile(DrainAckPath(topology), nlohmann::json{{"id", id}}.dump(),
                            DrainFileOwner());
}

bool DrainAcknowledged(const ClusterTopology& topology, const std::string& id) {
  auto j = ReadSmallDrainJson(DrainAckPath(topology));
  return j && (*j)["id"].is_string() && (*j)["id"].get<std::string>() == id;
}

}  // namespace citadel::platform
