#include "platform/patroni_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "core/base64.hpp"

namespace citadel::platform {

namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

// One request, one answer, on a fresh connection; the deadline covers
// connect, write and read together.
core::Result<HttpAnswer> PatroniHttpExchange(const std::string& address, int port,
                                             http::request<http::string_body> request,
                                             std::chrono::milliseconds timeout) {
  const std::string where = address + ":" + std::to_string(port);
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(address, ec);
  if (ec) return core::Fail(core::ErrorCode::kInvalidArgument, "not an IP address: " + address);
  stream.expires_after(timeout);
  request.set(http::field::host, where);
  request.set(http::field::user_agent, "citadel");
  request.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  beast::flat_buffer buffer;
  // Asynchronous operations run to completion on this thread, so the stream's
  // deadline covers connect, write and read together.
  stream.async_connect(
      boost::asio::ip::tcp::endpoint(ip, static_cast<unsigned short>(port)),
      [&](boost::system::error_code e) {
        if (e) {
          ec = e;
          return;
        }
        http::async_write(stream, request, [&](boost::system::error_code e2, std::size_t) {
          if (e2) {
            ec = e2;
            return;
          }
          http::async_read(stream, buffer, parser,
                           [&](boost::system::error_code e3, std::size_t) { ec = e3; });
        });
      });
  io.run();
  boost::system::error_code ignored;
  stream.socket().close(ignored);
  const std::string target(request.target());
  if (ec) {
    return core::Fail(core::ErrorCode::kUnavailable,
                      std::string(request.method_string()) + " " + target + " on " + where + ": " +
                          ec.message());
  }
  auto& response = parser.get();
  return HttpAnswer{static_cast<int>(response.result_int()), std::move(response.body())};
}

}  // namespace

core::Result<std::string> HttpGet(const std::string& address, int port, const std::string& target,
                                  std::chrono::milliseconds timeout) {
  auto answer = PatroniHttpExchange(address, port, {http::verb::get, target, 11}, timeout);
  if (!answer) return core::Unexpected(answer.error());
  if (answer->status != 200) {
    return core::Fail(core::ErrorCode::kUnavailable, "GET " + target + " on " + address + ":" +
                                                         std::to_string(port) + ": HTTP " +
                                                         std::to_string(answer->status));
  }
  return std::move(answer->body);
}

core::Result<HttpAnswer> HttpPostJson(const std::string& address, int port, const std::string& target,
                                      const std::string& json_body, const std::string& user,
                                      const std::string& password, std::chrono::milliseconds timeout) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  const std::string pair = user + ":" + password;
  request.set(http::field::authorization,
              "Basic " + core::Base64Encode(std::vector<unsigned char>(pair.begin(), pair.end())));
  request.set(http::field::content_type, "application/json");
  request.body() = json_body;
  return PatroniHttpExchange(address, port, std::move(request), timeout);
}

core::Result<PatroniClusterView> ParsePatroniCluster(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("members") || !j["members"].is_array()) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "Patroni's /cluster answer has no members");
  }
  PatroniClusterView view;
  for (const auto& m : j["members"]) {
    if (!m.is_object()) continue;
    PatroniMember member;
    auto text = [&m](const char* key) {
      return m.contains(key) && m[key].is_string() ? m[key].get<std::string>() : std::string();
    };
    member.name = text("name");
    member.role = text("role");
    member.state = text("state");
    member.host = text("host");
    if (m.contains("port") && m["port"].is_number_integer()) member.port = m["port"].get<int>();
    if (m.contains("timeline") && m["timeline"].is_number_integer())
      member.timeline = m["timeline"].get<long long>();
    if (m.contains("lag") && m["lag"].is_number_integer())
      member.lag_bytes = m["lag"].get<long long>();
    view.members.push_back(std::move(member));
  }
  return view;
}

core::Result<PatroniClusterView> FetchPatroniCluster(const ClusterTopology& topology,
                                                     std::chrono::milliseconds timeout_per_member) {
  std::string last_error = "the cluster has no members";
  for (const auto& m : topology.members) {
    auto body = HttpGet(topology.address, m.rest_port, "/cluster", timeout_per_member);
    if (!body) {
      last_error = body.error().message;
      continue;
    }
    auto view = ParsePatroniCluster(*body);
    if (!view) return view;
    view->answered_by = m.name;
    return view;
  }
  return core::Fail(core::ErrorCode::kUnavailable, "no Patroni member answered: " + last_error);
}

}  // namespace citadel::platform
