#include "platform/etcd_auth.hpp"

#include <nlohmann/json.hpp>

#include "core/base64.hpp"
#include "platform/patroni_client.hpp"

namespace citadel::platform {
namespace {

std::string B64(const std::string& text) {
  return core::Base64Encode(std::vector<unsigned char>(text.begin(), text.end()));
}

// One call of the v3 gateway; its JSON answer, or why there is none. etcd's
// gateway answers errors as {"error": "...", "code": N} with an HTTP error.
struct EtcdCall {
  const ClusterTopology& topology;
  std::chrono::milliseconds timeout;
  std::string token;

  core::Result<nlohmann::json> Post(const std::string& path, const nlohmann::json& body) const {
    auto answer = HttpPostJsonWithToken(topology.address, topology.etcd_client_port, path, body.dump(),
                                        token, timeout, EtcdClientTls(topology));
    if (!answer) return core::Unexpected(answer.error());
    auto j = nlohmann::json::parse(answer->body, nullptr, /*allow_exceptions=*/false);
    if (answer->status != 200) {
      std::string message = "HTTP " + std::to_string(answer->status);
      if (j.is_object() && j.contains("error") && j["error"].is_string())
        message = j["error"].get<std::string>();
      // Only etcd's message: a request body (a password) is never quoted.
      return core::Fail(core::ErrorCode::kUnavailable, "etcd " + path + ": " + message);
    }
    if (j.is_discarded()) return nlohmann::json::object();
    return j;
  }

  // Like Post, but an answer saying the thing exists already is success.
  core::Result<void> Make(const std::string& path, const nlohmann::json& body) const {
    auto made = Post(path, body);
    if (!made && made.error().message.find("already exists") == std::string::npos)
      return core::Unexpected(made.error());
    return {};
  }
};

}  // namespace

std::string EtcdPrefixRangeEnd(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::string(1, '\0');  // every key
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

core::Result<void> EnsureEtcdAuth(const ClusterTopology& topology,
                                  const ClusterCredentials& credentials,
                                  std::chrono::milliseconds timeout_per_call) {
  const std::string root = ClusterCredentials::kEtcdRootUser;
  const std::string patroni = ClusterCredentials::kEtcdPatroniUser;
  EtcdCall call{topology, timeout_per_call, ""};
  auto token = call.Post("/v3/auth/authenticate",
                         {{"name", root}, {"password", credentials.etcd_root_password}});
  if (token) {
    // Auth is on: keep patroni's password the credentials file's.
    if (!(*token).contains("token") || !(*token)["token"].is_string())
      return core::Fail(core::ErrorCode::kUnavailable, "etcd /v3/auth/authenticate: no token");
    call.token = (*token)["token"].get<std::string>();
    auto changed = call.Post("/v3/auth/user/changepw",
                             {{"name", patroni}, {"password", credentials.etcd_patroni_password}});
    if (!changed) return core::Unexpected(changed.error());
    return {};
  }
  if (token.error().message.find("authentication is not enabled") == std::string::npos) {
    // Auth is on with another root password, or etcd is unreachable.
    return core::Unexpected(token.error());
  }
  // The range under Patroni's namespace, as etcdctl's --prefix sends it.
  const nlohmann::json permission = {{"permType", "READWRITE"},
                                     {"key", B64(kEtcdPatroniPrefix)},
                                     {"range_end", B64(EtcdPrefixRangeEnd(kEtcdPatroniPrefix))}};
  struct Step {
    const char* path;
    nlohmann::json body;
  };
  const std::vector<Step> steps = {
      {"/v3/auth/user/add", {{"name", root}, {"password", credentials.etcd_root_password}}},
      {"/v3/auth/role/add", {{"name", "root"}}},
      {"/v3/auth/user/grant", {{"user", root}, {"role", "root"}}},
      {"/v3/auth/user/add", {{"name", patroni}, {"password", credentials.etcd_patroni_password}}},
      {"/v3/auth/role/add", {{"name", patroni}}},
      {"/v3/auth/role/grant", {{"name", patroni}, {"perm", permission}}},
      {"/v3/auth/user/grant", {{"user", patroni}, {"role", patroni}}},
  };
  for (const Step& step : steps) {
    if (auto made = call.Make(step.path, step.body); !made) return made;
  }
  // A user left from an interrupted earlier run keeps its old password.
  for (const auto& [user, password] : {std::pair{root, credentials.etcd_root_password},
                                       std::pair{patroni, credentials.etcd_patroni_password}}) {
    auto changed = call.Post("/v3/auth/user/changepw", {{"name", user}, {"password", password}});
    if (!changed) return core::Unexpected(changed.error());
  }
  auto enabled = call.Post("/v3/auth/enable", nlohmann::json::object());
  if (!enabled) return core::Unexpected(enabled.error());
  return {};
}

}  // namespace citadel::platform
