// The route table: which Handler answers which method and path.
//
// Routes are exact paths ("/jsonrpc") or prefixes ending in "/*" ("/web/*",
// which matches "/web/" and everything below it but not "/web"). An exact route
// beats a prefix, and a longer prefix beats a shorter one. A path that no route
// matches is a 404; a path that matches but not for this method is a 405 with
// an Allow header. A GET route also answers HEAD (the server drops the body).
//
// The route pattern, never the raw path, labels metrics and access logs, so
// their cardinality stays bounded whatever paths clients invent.
//
// Ownership and threads: build the Router on one thread, then hand it to the
// server, which only reads it (Match is const and safe from any thread).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace citadel::http {

struct RouteOptions {
  // The largest body this route accepts; unset: the configured default.
  // The operator's limits.route_body_bytes (by route pattern) wins over this.
  std::optional<std::size_t> max_body_bytes;
};

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;  // when kFound; owned by the Router
  std::string pattern;           // the matched pattern; "unmatched" when kNotFound
  std::string allow;             // when kMethodNotAllowed: "GET, HEAD, POST"
};

class Router {
 public:
  // Throws std::invalid_argument for a malformed pattern or a duplicate
  // (method, pattern): a wiring mistake must fail at start, not on a request.
  void Add(std::string method, std::string path, Handler handler, RouteOptions options = {});

  RouteMatch Match(std::string_view method, std::string_view path) const;

  bool empty() const { return exact_.empty() && prefixes_.empty(); }

 private:
  using MethodTable = std::map<std::string, Route, std::less<>>;
  static RouteMatch MatchIn(const MethodTable& table, std::string_view method);

  std::map<std::string, MethodTable, std::less<>> exact_;
  // Keyed by the prefix without its "*" ("/web/"); searched longest first.
  std::map<std::string, MethodTable, std::greater<>> prefixes_;
};

// The label used for requests that matched no route.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

}  // namespace citadel::http
