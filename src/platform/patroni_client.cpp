#include "platform/patroni_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "core/base64.hpp"

namespace citadel::platform {

namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

// Reads the answer into `parser` on `stream` (plain or TLS), all
// asynchronous on one io_context, so the deadline covers every step.
template <class Stream>
void WriteThenRead(Stream& stream, http::request<http::string_body>& request,
                   beast::flat_buffer& buffer, http::response_parser<http::string_body>& parser,
                   boost::system::error_code& ec) {
  http::async_write(stream, request, [&](boost::system::error_code e, std::size_t) {
    if (e) {
      ec = e;
      return;
    }
    http::async_read(stream, buffer, parser, [&](boost::system::error_code e2, std::size_t) { ec = e2; });
  });
}

// The TLS client context: the server's certificate must chain to the
// cluster CA; our certificate and key if the server asks for one (etcd).
core::Result<void> PrepareTlsContext(boost::asio::ssl::context& context, const HttpsFiles& files) {
  boost::system::error_code ec;
  context.set_options(boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                      boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
  context.set_verify_mode(boost::asio::ssl::verify_peer, ec);
  if (!ec) context.load_verify_file(files.ca_file, ec);
  if (!ec && !files.cert_file.empty()) context.use_certificate_chain_file(files.cert_file, ec);
  if (!ec && !files.key_file.empty())
    context.use_private_key_file(files.key_file, boost::asio::ssl::context::pem, ec);
  if (ec) {
    return core::Fail(core::ErrorCode::kUnavailable,
                      "cannot load the cluster's TLS files (" + files.ca_file + "): " + ec.message());
  }
  return {};
}

// One request, one answer, on a fresh connection; the deadline covers
// connect, (handshake,) write and read together.
core::Result<HttpAnswer> PatroniHttpExchange(const std::string& address, int port,
                                             http::request<http::string_body> request,
                                             std::chrono::milliseconds timeout, const HttpTls& tls) {
  const std::string where = address + ":" + std::to_string(port);
  boost::asio::io_context io;
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(address, ec);
  if (ec) return core::Fail(core::ErrorCode::kInvalidArgument, "not an IP address: " + address);
  const boost::asio::ip::tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  request.set(http::field::host, where);
  request.set(http::field::user_agent, "citadel");
  request.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  beast::flat_buffer buffer;
  if (!tls) {
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.async_connect(endpoint, [&](boost::system::error_code e) {
      if (e) {
        ec = e;
        return;
      }
      WriteThenRead(stream, request, buffer, parser, ec);
    });
    io.run();
    boost::system::error_code ignored;
    stream.socket().close(ignored);
  } else {
    boost::asio::ssl::context context(boost::asio::ssl::context::tls_client);
    if (auto prepared = PrepareTlsContext(context, *tls); !prepared) return core::Unexpected(prepared.error());
    beast::ssl_stream<beast::tcp_stream> stream(io, context);
    // The certificate must name the address dialled (an IP subjectAltName).
    X509_VERIFY_PARAM* param = SSL_get0_param(stream.native_handle());
    if (X509_VERIFY_PARAM_set1_ip_asc(param, address.c_str()) != 1) {
      return core::Fail(core::ErrorCode::kInvalidArgument, "not an IP address: " + address);
    }
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).async_connect(endpoint, [&](boost::system::error_code e) {
      if (e) {
        ec = e;
        return;
      }
      stream.async_handshake(boost::asio::ssl::stream_base::client, [&](boost::system::error_code e2) {
        if (e2) {
          ec = e2;
          return;
        }
        WriteThenRead(stream, request, buffer, parser, ec);
      });
    });
    io.run();
    // No close_notify: the answer is complete; the connection is dropped.
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
  }
  const std::string target(request.target());
  if (ec) {
    return core::Fail(core::ErrorCode::kUnavailable,
                      std::string(request.method_string()) + " " + target + " on " +
                          (tls ? "https://" : "http://") + where + ": " + ec.message());
  }
  auto& response = parser.get();
  return HttpAnswer{static_cast<int>(response.result_int()), std::move(response.body())};
}

}  // namespace

HttpTls PatroniRestTls(const ClusterTopology& topology) {
  if (!topology.tls.enabled) return std::nullopt;
  return HttpsFiles{topology.tls.CaCertPath(), "", ""};
}

HttpTls EtcdClientTls(const ClusterTopology& topology) {
  if (!topology.tls.enabled) return std::nullopt;
  return HttpsFiles{topology.tls.CaCertPath(), "", ""};
}

core::Result<std::string> HttpGet(const std::string& address, int port, const std::string& target,
                                  std::chrono::milliseconds timeout, const HttpTls& tls) {
  auto answer = PatroniHttpExchange(address, port, {http::verb::get, target, 11}, timeout, tls);
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
                                      const std::string& password, std::chrono::milliseconds timeout,
                                      const HttpTls& tls) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  const std::string pair = user + ":" + password;
  request.set(http::field::authorization,
              "Basic " + core::Base64Encode(std::vector<unsigned char>(pair.begin(), pair.end())));
  request.set(http::field::content_type, "application/json");
  request.body() = json_body;
  return PatroniHttpExchange(address, port, std::move(request), timeout, tls);
}

core::Result<HttpAnswer> HttpPostJsonWithToken(const std::string& address, int port,
                                               const std::string& target, const std::string& json_body,
                                               const std::string& token,
                                               std::chrono::milliseconds timeout, const HttpTls& tls) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  if (!token.empty()) request.set(http::field::authorization, token);
  request.set(http::field::content_type, "application/json");
  request.body() = json_body;
  return PatroniHttpExchange(address, port, std::move(request), timeout, tls);
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
    auto body = HttpGet(topology.address, m.rest_port, "/cluster", timeout_per_member,
                        PatroniRestTls(topology));
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
