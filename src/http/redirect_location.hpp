// Where the plain-HTTP listener sends a client: the same host and path, over
// HTTPS. Also the host-name check the local CA uses for its SAN entries.
//
// The Host header is the client's to write, so it is never reflected unless it
// is a valid DNS name or IP literal; anything else (spaces, '@', '/', CR/LF,
// overlong labels) falls back to the configured public host. The target is kept
// only if it is an origin-form path of printable ASCII; otherwise "/". Pure;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace citadel::http {

// RFC 1123 host name: dot-separated labels of [A-Za-z0-9-], 1-63 characters,
// no leading or trailing '-', 253 characters in all; one trailing dot allowed.
bool IsValidHostName(std::string_view name);

// The host part of a Host header value ("example.com:8080" -> "example.com",
// "[::1]:80" -> "[::1]"), lowercased, if it is a valid host name or IP literal.
std::optional<std::string> HostFromHostHeader(std::string_view host_header);

// "https://<host>[:<https_port>]<target>"; the port is left out when it is 443.
std::string BuildRedirectLocation(std::optional<std::string_view> host_header,
                                  std::string_view target, int https_port,
                                  std::string_view public_host);

}  // namespace citadel::http
